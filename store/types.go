package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Status is an asset's lifecycle status.
type Status string

// Lifecycle statuses.
const (
	StatusOnOrder  Status = "on_order"
	StatusInStock  Status = "in_stock"
	StatusDeployed Status = "deployed"
	StatusInRepair Status = "in_repair"
	StatusMissing  Status = "missing"
	StatusRetired  Status = "retired"
	StatusDisposed Status = "disposed"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusOnOrder, StatusInStock, StatusDeployed, StatusInRepair, StatusMissing, StatusRetired, StatusDisposed}

// Label is the status as people say it.
func (s Status) Label() string {
	switch s {
	case StatusOnOrder:
		return "on order"
	case StatusInStock:
		return "in stock"
	case StatusDeployed:
		return "deployed"
	case StatusInRepair:
		return "in repair"
	case StatusMissing:
		return "missing"
	case StatusRetired:
		return "retired"
	case StatusDisposed:
		return "disposed"
	}
	return string(s)
}

// ParseStatus accepts a status in its code form ("in_stock"), its label
// ("in stock") or common aliases, case-insensitively.
func ParseStatus(s string) (Status, error) {
	switch normalizeWord(s) {
	case "on order", "ordered", "pending":
		return StatusOnOrder, nil
	case "in stock", "stock", "ready to deploy", "ready", "available", "deployable":
		return StatusInStock, nil
	case "deployed", "checked out", "in use":
		return StatusDeployed, nil
	case "in repair", "repair", "out for repair", "broken":
		return StatusInRepair, nil
	case "missing", "lost", "lost/stolen", "stolen":
		return StatusMissing, nil
	case "retired", "archived", "undeployable":
		return StatusRetired, nil
	case "disposed":
		return StatusDisposed, nil
	}
	return "", invalid("unknown status %q (want one of on_order, in_stock, deployed, in_repair, missing, retired, disposed)", s)
}

// Kind is what sort of asset a record describes.
type Kind string

// Asset kinds.
const (
	KindHardware Kind = "hardware"
)

// CustodianKind says what holds a deployed asset.
type CustodianKind string

// Custodian kinds.
const (
	CustodianNone     CustodianKind = ""
	CustodianPerson   CustodianKind = "person"
	CustodianLocation CustodianKind = "location"
	CustodianAsset    CustodianKind = "asset"
)

// Asset is an asset as the desk sees it: its own fields plus the names of
// what it refers to.
type Asset struct {
	ID               int64             `json:"-"`
	UID              string            `json:"uid"`
	Tag              string            `json:"tag"`
	Serial           string            `json:"serial"`
	Name             string            `json:"name"`
	Kind             Kind              `json:"kind"`
	Status           Status            `json:"status"`
	Model            string            `json:"model"`
	ModelNumber      string            `json:"model_number"`
	Manufacturer     string            `json:"manufacturer"`
	Category         string            `json:"category"`
	LocationCode     string            `json:"location"`
	LocationName     string            `json:"location_name"`
	HomeLocationCode string            `json:"home_location"`
	CustodianKind    CustodianKind     `json:"custodian_kind"`
	Custodian        string            `json:"custodian"`      // a person's badge (else username, email, employee number, name), a location's code, an asset's tag
	CustodianName    string            `json:"custodian_name"` // person's name, location's name, asset's tag
	CheckedOutAt     string            `json:"checked_out_at"`
	DueDate          string            `json:"due_date"`
	CostCentre       string            `json:"cost_centre"`
	Supplier         string            `json:"supplier"`
	PONumber         string            `json:"purchase_order"`
	OrderNumber      string            `json:"order_number"`
	PurchaseDate     string            `json:"purchase_date"`
	PurchaseCost     string            `json:"purchase_cost"`
	Currency         string            `json:"currency"`
	WarrantyEnd      string            `json:"warranty_end"`
	EOLDate          string            `json:"eol_date"`
	Notes            string            `json:"notes"`
	Custom           map[string]string `json:"custom"`
	LastAudit        string            `json:"last_audit"`
	NextAudit        string            `json:"next_audit"`
	CreatedAt        string            `json:"created_at"`
	UpdatedAt        string            `json:"updated_at"`
	// Installed is the tags of the assets installed in it, read by Asset
	// (one asset's screen) and not by lists.
	Installed []string  `json:"installed,omitempty"`
	Disposal  *Disposal `json:"disposal,omitempty"`
}

// Disposal records how an asset left the organisation and how its data was destroyed.
type Disposal struct {
	Method      string `json:"method"`
	Certificate string `json:"certificate"`
	Vendor      string `json:"vendor"`
	DisposedAt  string `json:"disposed_at"`
}

// Person is someone who can hold assets.
type Person struct {
	ID           int64  `json:"-"`
	UID          string `json:"uid"`
	Name         string `json:"name"`
	Badge        string `json:"badge"`
	EmployeeNo   string `json:"employee_number"`
	Username     string `json:"username"`
	Email        string `json:"email"`
	Department   string `json:"department"`
	CostCentre   string `json:"cost_centre"`
	LocationCode string `json:"location"`
	Active       bool   `json:"active"`
	Holding      int    `json:"holding"`
}

// Location is a site, building, room or shelf.
type Location struct {
	ID         int64  `json:"-"`
	UID        string `json:"uid"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent"`
	Assets     int    `json:"assets"`
}

// Model is a catalogue model.
type Model struct {
	ID           int64  `json:"-"`
	UID          string `json:"uid"`
	Name         string `json:"name"`
	ModelNumber  string `json:"model_number"`
	Manufacturer string `json:"manufacturer"`
	Category     string `json:"category"`
}

// PurchaseOrder is an order with its expected lines and what has arrived.
type PurchaseOrder struct {
	UID      string   `json:"uid"`
	Number   string   `json:"number"`
	Supplier string   `json:"supplier"`
	Lines    []POLine `json:"lines"`
}

// POLine is one expected model on an order, or (Expected 0) a model
// received on it that it does not name.
type POLine struct {
	Model       string `json:"model"`
	ModelNumber string `json:"model_number"`
	Expected    int    `json:"expected"`
	Received    int    `json:"received"`
	// OnOrder counts the assets registered on the order (an import's
	// Pending rows) that have not come yet; Arrived those of Received
	// that were so registered before they came.
	OnOrder int `json:"on_order"`
	Arrived int `json:"arrived"`
	// DueBySerial counts those of OnOrder registered with a serial: the
	// ones a receipt finds by its serial (one registered without is
	// received only as a new asset, so it does not make a box beyond).
	DueBySerial int `json:"due_by_serial"`
}

// Beyond is how many of the line came beyond what the order said: past
// its quantity, counting those registered on it with a serial still due (a
// box that is none of them, with the due ones still to come, is one too
// many; one registered without a serial a receipt cannot tell), or, on
// a line it names no quantity for, those that were not registered on it
// first (none for an order without quantities).
func (o PurchaseOrder) Beyond(l POLine) int {
	switch {
	case l.Expected > 0:
		return max(0, l.Received+l.DueBySerial-l.Expected)
	case o.Quantities():
		return max(0, l.Received-l.Arrived)
	}
	return 0
}

// Count says how much of a line with a quantity has come, as a warning
// beyond it says it: "3 of 2 Latitude 5440 received", or with units still
// due (by serial, as Beyond counts them) "2 received + 1 due of 2 Latitude
// 5440".
func (o PurchaseOrder) Count(l POLine) string {
	if l.DueBySerial > 0 {
		return fmt.Sprintf("%d received + %d due of %d %s", l.Received, l.DueBySerial, l.Expected, o.Label(l))
	}
	return fmt.Sprintf("%d of %d %s received", l.Received, l.Expected, o.Label(l))
}

// Label is the line's model as a person tells it from the order's other
// lines: its name, with its model number when another line has the name.
func (o PurchaseOrder) Label(l POLine) string {
	for _, x := range o.Lines {
		if x != l && strings.EqualFold(x.Model, l.Model) && l.ModelNumber != "" {
			return l.Model + " (" + l.ModelNumber + ")"
		}
	}
	return l.Model
}

// Quantities says whether the order says how many of each model it
// ordered: one an import made (a file holds no quantities) does not.
func (o PurchaseOrder) Quantities() bool {
	for _, l := range o.Lines {
		if l.Expected > 0 {
			return true
		}
	}
	return false
}

// Event is one entry of the append-only history.
type Event struct {
	ID       int64           `json:"-"`
	DeviceID string          `json:"device_id"`
	Seq      int64           `json:"seq"`
	Operator string          `json:"operator"`
	At       time.Time       `json:"at"`
	Type     EventType       `json:"type"`
	Subject  string          `json:"subject"`
	Payload  json.RawMessage `json:"payload"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
	// Refused: the sync server refused it, so it changed nothing (set by
	// History; not part of the event or its hash).
	Refused bool `json:"refused"`
	// Site is where the change was made: the site its device had stated
	// (a device.site event) by then; "" if none. Set by History and
	// EachEvent; not part of the event or its hash.
	Site string `json:"site"`
	// Named is what the register calls the subject of an event whose
	// payload does not say (a person's update: their name; a count's:
	// its location's code; an order: its number); set by EachEvent, not
	// part of the event or its hash. SubjectLabel prefers the payload's.
	Named string `json:"-"`

	// decoded is the payload already decoded by PredecodePulled, by the
	// same strict decoder apply uses; not part of the event.
	decoded any
}

// UID is the event's global id: its device and sequence number.
func (e Event) UID() string { return fmt.Sprintf("%s:%d", e.DeviceID, e.Seq) }

const dateLayout = "2006-01-02"

// timestamp formats t the way the database stores instants.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// LocalDay is the desk's local day (YYYY-MM-DD) of a stored instant: a
// check-out at 20:30 in New York is on the 27th there, though its UTC
// timestamp says the 28th. A day recorded without a time of day (an
// imported check-out date, a disposal's day) is stored as midnight UTC
// exactly, and is that day wherever the desk is.
func LocalDay(ts string) string { return LocalDayIn(ts, time.Local) }

// LocalDayIn is LocalDay in the zone loc.
func LocalDayIn(ts string, loc *time.Location) string {
	if len(ts) < 10 {
		return ts
	}
	if strings.HasSuffix(ts, "T00:00:00Z") {
		return ts[:10]
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts[:10]
	}
	return t.In(loc).Format(dateLayout)
}

// OperatorName is how events record a person at the desk: their username,
// else their badge, else their name. The terminal UI's sign-in and the
// command line's --operator (or $TAGDESK_OPERATOR) agree on it, so one
// person is one operator in the history whichever way they came in.
func (p Person) OperatorName() string {
	switch {
	case p.Username != "":
		return p.Username
	case p.Badge != "":
		return p.Badge
	}
	return p.Name
}
