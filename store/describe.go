package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Describe says in one line what an event did, as a person reads history.
func Describe(e Event) string {
	if e.Refused {
		return "refused by the sync server, changed nothing: " + describe(e)
	}
	return describe(e)
}

// SubjectLabel is what an event is about as people name it: an asset's
// tag, a location's code, a person's or catalogue entry's name; "" when
// its payload does not say (the subject's uid says it then).
func SubjectLabel(e Event) string {
	var p struct {
		Tag    string `json:"tag"`
		Code   string `json:"code"`
		Name   string `json:"name"`
		Number string `json:"number"`
	}
	if json.Unmarshal(e.Payload, &p) != nil {
		return e.Named
	}
	switch {
	case e.Type == EvStocktakeScanned && e.Named != "":
		return e.Named // the count's location, not the code scanned
	case p.Tag != "":
		return p.Tag
	case p.Code != "":
		return p.Code
	case p.Name != "":
		return p.Name
	case p.Number != "":
		return p.Number
	}
	return e.Named
}

func describe(e Event) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(e.Payload, &m) != nil {
		return string(e.Type)
	}
	str := func(k string) string {
		var s string
		json.Unmarshal(m[k], &s)
		return s
	}
	switch e.Type {
	case EvManufacturerCreated, EvCategoryCreated, EvSupplierCreated:
		return fmt.Sprintf("%s %q added", strings.TrimSuffix(string(e.Type), ".created"), str("name"))
	case EvModelCreated:
		if n := str("model_number"); n != "" {
			return fmt.Sprintf("model %q %s added", str("name"), n)
		}
		return fmt.Sprintf("model %q added", str("name"))
	case EvLocationCreated:
		return fmt.Sprintf("location %s %q added", str("code"), str("name"))
	case EvLocationUpdated:
		var changes map[string]Change
		json.Unmarshal(m["changes"], &changes)
		var parts []string
		if c, ok := changes["name"]; ok {
			parts = append(parts, fmt.Sprintf("renamed %q → %q", c.Old, c.New))
		}
		if c, ok := changes["parent"]; ok {
			parts = append(parts, fmt.Sprintf("moved from %s to %s", orTop(c.OldLabel), orTop(c.NewLabel)))
		}
		return "location " + str("tag") + " " + strings.Join(parts, ", ")
	case EvPersonCreated:
		return fmt.Sprintf("person %q added", str("name"))
	case EvPersonOffboarded:
		if n := str("name"); n != "" {
			return "offboarded " + n
		}
		return "offboarded"
	case EvPersonReactivated:
		return "reactivated " + str("name") + " (offboarding undone)"
	case EvPOCreated:
		return fmt.Sprintf("purchase order %s added", str("number"))
	case EvFieldDefined:
		return fmt.Sprintf("custom field %q defined", str("name"))
	case EvAssetReceived:
		s := fmt.Sprintf("received as %s (%s)", str("tag"), Status(str("status")).Label())
		if sn := str("serial"); sn != "" {
			s += ", serial " + sn
		}
		if l := str("location_label"); l != "" {
			s += ", at " + l
		}
		if f := str("imported"); f != "" {
			s += ", imported from " + f
		}
		return s
	case EvAssetCheckedOut:
		s := "checked out to " + str("to_label")
		if d := str("since"); d != "" {
			if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
				d = t.UTC().Format("2006-01-02 15:04 UTC")
			}
			s += " on " + d
		}
		if d := str("due"); d != "" {
			s += ", due " + d
		}
		return s
	case EvAssetCheckedIn:
		if str("condition") == ConditionMissing {
			s := "not returned"
			if f := str("from"); f != "" {
				s += " by " + f
			}
			s += ": marked missing"
			if r := str("reason"); r != "" {
				s += " (" + r + ")"
			}
			return s
		}
		s := "checked in"
		if f := str("from"); f != "" {
			s += " from " + f
		}
		if t := str("to_label"); t != "" {
			s += " to " + t
		}
		s += ", condition " + str("condition")
		if r := str("reason"); r != "" {
			s += " (" + r + ")"
		}
		return s
	case EvAssetMoved:
		with := ""
		if t := str("with"); t != "" {
			with = ", inside " + t
		}
		switch to, from := str("to_label"), str("from_label"); {
		case to != "" && from != "":
			return "moved from " + from + " to " + to + with
		case to != "":
			return "moved to " + to + with
		}
		return "moved" + with
	case EvAssetStatus, EvAssetRetired:
		s := fmt.Sprintf("%s → %s", Status(str("from")).Label(), Status(str("to")).Label())
		if r := str("reason"); r != "" {
			s += ": " + r
		}
		return s
	case EvAssetDisposed:
		s := "disposed by " + str("method")
		if c := str("certificate"); c != "" {
			s += ", certificate " + c
		}
		if v := str("vendor"); v != "" {
			s += ", vendor " + v
		}
		if d := str("on"); d != "" {
			s += ", on " + d
		}
		return s
	case EvAssetAudited:
		s := "audited: " + str("result") + " on " + str("date")
		if n := str("next_audit"); n != "" {
			s += ", next audit " + n
		}
		return s
	case EvStocktakeStarted:
		var p StocktakeStartPayload
		json.Unmarshal(e.Payload, &p)
		return fmt.Sprintf("stocktake started, %d assets expected", len(p.Expected))
	case EvStocktakeScanned:
		if e.Named != "" { // (the count's location, where it is read)
			return fmt.Sprintf("scanned %s in the count at %s", str("code"), e.Named)
		}
		return "scanned " + str("code")
	case EvStocktakeFinished:
		return "stocktake finished"
	case EvLabelPrinted:
		return fmt.Sprintf("label printed (%s) on %s", str("template"), str("printer"))
	case EvDeviceSite:
		if s := str("site"); s != "" {
			return fmt.Sprintf("desk %s is at site %q", e.DeviceID, s)
		}
		return fmt.Sprintf("desk %s no longer names its site", e.DeviceID)
	case EvAssetUpdated, EvPersonUpdated:
		var changes map[string]Change
		json.Unmarshal(m["changes"], &changes)
		var parts []string
		for _, k := range sortedKeys(changes) {
			c := changes[k]
			switch k {
			case "model", "supplier", "home_location", "purchase_order", "location":
				if c.OldLabel == "" && c.NewLabel == "" {
					parts = append(parts, k+" changed") // (events before labels)
					break
				}
				parts = append(parts, fmt.Sprintf("%s %s → %s", k, orNone(c.OldLabel), orNone(c.NewLabel)))
			default:
				parts = append(parts, fmt.Sprintf("%s %q → %q", k, c.Old, c.New))
			}
		}
		return strings.Join(parts, ", ")
	}
	return string(e.Type)
}

// orTop names a location's parent, or the top of the tree.
func orTop(label string) string {
	if label == "" {
		return "the top"
	}
	return label
}
