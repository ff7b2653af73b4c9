package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tagdesk/tagdesk/store"
)

func catalogCommands() []command {
	return []command{
		{name: "person add", summary: "add a person", usage: "--name N [--badge B] [--email E] [--username U] [--employee-number N] [--department D] [--cost-centre C] [--location L] [--json]", run: cmdPersonAdd},
		{name: "person update", summary: "give or change a person's details (a badge for someone imported by name)", usage: "WHO [--name N] [--badge B] [--email E] [--username U] [--employee-number N] [--department D] [--cost-centre C] [--location L] [--json]", run: cmdPersonUpdate},
		{name: "person list", summary: "list people", usage: "[--json] [--query Q] [--all]", run: cmdPersonList},
		{name: "location add", summary: "add a location", usage: "CODE NAME [--parent CODE]", run: cmdLocationAdd},
		{name: "location list", summary: "list locations", usage: "[--json]", run: cmdLocationList},
		{name: "location update", summary: "rename a location or move it in the tree (its code, on its labels, stays)", usage: "CODE [--name N] [--parent CODE | --top]", run: cmdLocationUpdate},
		{name: "model add", summary: "add a model to the catalogue", usage: "NAME [--number N] [--manufacturer M] [--category C]", run: cmdModelAdd},
		{name: "model list", summary: "list the catalogue's models", usage: "[--json]", run: cmdModelList},
		{name: "po add", summary: "add a purchase order: the models and quantities receiving counts against", usage: "NUMBER [--supplier S] MODEL=QUANTITY... (quote a model with spaces)", run: cmdPOAdd},
		{name: "po show", summary: "a purchase order: expected and received per model", usage: "NUMBER [--json]", run: cmdPOShow},
	}
}

func cmdPOAdd(ctx context.Context, a *app, args []string) error {
	c := findCommand("po add")
	fs := a.flags(c)
	supplier := fs.String("supplier", "", "who supplies it")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("po add needs a NUMBER and at least one MODEL=QUANTITY")
	}
	lines := map[string]int{}
	for _, kv := range pos[1:] {
		i := strings.LastIndex(kv, "=")
		if i <= 0 {
			return usagef("%q is not MODEL=QUANTITY", kv)
		}
		n, err := strconv.Atoi(strings.TrimSpace(kv[i+1:]))
		if err != nil || n < 1 || n > 1_000_000 {
			return usagef("%q: the quantity must be a whole number from 1 to 1000000", kv)
		}
		lines[strings.TrimSpace(kv[:i])] += n
	}
	return a.withDB(ctx, func(db *store.DB) error {
		o, err := db.AddPurchaseOrder(ctx, pos[0], *supplier, lines)
		if err != nil {
			return fmt.Errorf("po add: %w; nothing changed", err)
		}
		fmt.Fprintf(a.stdout, "added purchase order %s\n", o.Number)
		return nil
	})
}

func cmdPOShow(ctx context.Context, a *app, args []string) error {
	c := findCommand("po show")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("po show needs one NUMBER")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		o, err := db.PurchaseOrder(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, o)
		}
		fmt.Fprintf(a.stdout, "Purchase order %s%s\n", o.Number, prefixed(" from ", o.Supplier))
		quantities := o.Quantities()
		if !quantities && len(o.Lines) > 0 {
			// (Made by an import: a file names the order, not its quantities.)
			fmt.Fprintln(a.stdout, "  (no quantities ordered are recorded: what is registered on it)")
		}
		if len(o.Lines) == 0 {
			fmt.Fprintln(a.stdout, "  nothing ordered or registered on it yet")
		}
		for _, l := range o.Lines {
			var parts []string
			switch {
			case l.Expected > 0:
				parts = append(parts, fmt.Sprintf("%d of %d received", l.Received, l.Expected))
			case l.Received > 0 && o.Beyond(l) > 0:
				parts = append(parts, fmt.Sprintf("%d received, %d not on the order", l.Received, o.Beyond(l)))
			case l.Received > 0:
				parts = append(parts, fmt.Sprintf("%d received", l.Received))
			}
			if l.OnOrder > 0 {
				parts = append(parts, fmt.Sprintf("%d registered, not come yet", l.OnOrder))
			}
			fmt.Fprintf(a.stdout, "  %-30s %s\n", o.Label(l), strings.Join(parts, ", "))
		}
		return nil
	})
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func cmdPersonAdd(ctx context.Context, a *app, args []string) error {
	c := findCommand("person add")
	fs := a.flags(c)
	var in store.PersonInput
	fs.StringVar(&in.Name, "name", "", "full name (required)")
	fs.StringVar(&in.Badge, "badge", "", "badge code (scannable)")
	fs.StringVar(&in.Email, "email", "", "email address")
	fs.StringVar(&in.Username, "username", "", "username")
	fs.StringVar(&in.EmployeeNo, "employee-number", "", "employee number")
	fs.StringVar(&in.Department, "department", "", "department")
	fs.StringVar(&in.CostCentre, "cost-centre", "", "cost centre")
	fs.StringVar(&in.Location, "location", "", "home location (code or name)")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || strings.TrimSpace(in.Name) == "" {
		return usagef("person add needs --name (and takes no other arguments)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		p, err := db.AddPersonApart(ctx, in)
		if err != nil {
			return fmt.Errorf("person add: %w; nothing changed", err)
		}
		if *asJSON {
			return writeJSON(a.stdout, p)
		}
		fmt.Fprintf(a.stdout, "added %s%s\n", p.Name, map[bool]string{true: " (" + p.Badge + ")", false: ""}[p.Badge != ""])
		return nil
	})
}

func cmdPersonUpdate(ctx context.Context, a *app, args []string) error {
	c := findCommand("person update")
	fs := a.flags(c)
	// The flags person add takes, each a field of the person.updated event.
	fields := map[string]string{"name": "name", "badge": "badge", "email": "email", "username": "username",
		"employee-number": "employee_number", "department": "department", "cost-centre": "cost_centre", "location": "location"}
	for _, f := range []struct{ flag, help string }{
		{"name", "full name"}, {"badge", "badge code (scannable; empty clears it)"}, {"email", "email address (empty clears it)"},
		{"username", "username (empty clears it)"}, {"employee-number", "employee number (empty clears it)"},
		{"department", "department"}, {"cost-centre", "cost centre"}, {"location", "home location (code or name)"},
	} {
		fs.String(f.flag, "", f.help)
	}
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("person update needs one WHO (a badge, employee number, username, email or full name)")
	}
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if field, ok := fields[f.Name]; ok {
			set[field] = f.Value.String()
		}
	})
	if len(set) == 0 {
		return usagef("person update needs at least one of --name, --badge, --email, --username, --employee-number, --department, --cost-centre, --location")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		p, err := db.UpdatePerson(ctx, pos[0], set)
		if err != nil {
			return fmt.Errorf("person update: %w; nothing changed", err)
		}
		if *asJSON {
			return writeJSON(a.stdout, p)
		}
		fmt.Fprintf(a.stdout, "updated %s%s\n", p.Name, map[bool]string{true: " (" + p.Badge + ")", false: ""}[p.Badge != ""])
		return nil
	})
}

func cmdPersonList(ctx context.Context, a *app, args []string) error {
	c := findCommand("person list")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	query := fs.String("query", "", "substring of name, badge, username or email")
	all := fs.Bool("all", false, "include offboarded people")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		ps, err := db.People(ctx, store.PeopleFilter{Query: *query, IncludeGone: *all})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSONList(a.stdout, ps)
		}
		fmt.Fprintf(a.stdout, "%-24s %-10s %-28s %-14s %s\n", "NAME", "BADGE", "EMAIL", "USERNAME", "HOLDS")
		for _, p := range ps {
			gone := ""
			if !p.Active {
				gone = " (offboarded)"
			}
			fmt.Fprintf(a.stdout, "%s %-10s %s %s %d%s\n", col(p.Name, 24), p.Badge, col(p.Email, 28), col(p.Username, 14), p.Holding, gone)
		}
		return nil
	})
}

func cmdLocationAdd(ctx context.Context, a *app, args []string) error {
	c := findCommand("location add")
	fs := a.flags(c)
	parent := fs.String("parent", "", "the location this one lies in (code or name)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("location add needs a CODE and a NAME (quote a name with spaces)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		l, err := db.AddLocation(ctx, pos[0], pos[1], *parent)
		if err != nil {
			return fmt.Errorf("location add: %w; nothing changed", err)
		}
		fmt.Fprintf(a.stdout, "added location %s %q\n", l.Code, l.Name)
		return nil
	})
}

func cmdLocationUpdate(ctx context.Context, a *app, args []string) error {
	c := findCommand("location update")
	fs := a.flags(c)
	fs.String("name", "", "its new name")
	fs.String("parent", "", "the location it now lies in (code or name)")
	top := fs.Bool("top", false, "it lies in no other location now")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("location update needs one CODE (or name) and --name, --parent or --top")
	}
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name", "parent":
			set[f.Name] = f.Value.String()
		}
	})
	if *top {
		if _, ok := set["parent"]; ok {
			return usagef("--parent and --top: give one")
		}
		set["parent"] = ""
	} else if p, ok := set["parent"]; ok && strings.TrimSpace(p) == "" {
		return usagef("--parent needs a location (or --top for none)")
	}
	if len(set) == 0 {
		return usagef("location update needs --name, --parent or --top")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		l, err := db.UpdateLocation(ctx, pos[0], set)
		if err != nil {
			return fmt.Errorf("location update: %w; nothing changed", err)
		}
		where := "at the top"
		if l.ParentCode != "" {
			where = "under " + l.ParentCode
		}
		fmt.Fprintf(a.stdout, "location %s %q, %s\n", l.Code, l.Name, where)
		return nil
	})
}

func cmdLocationList(ctx context.Context, a *app, args []string) error {
	c := findCommand("location list")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		ls, err := db.Locations(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSONList(a.stdout, ls)
		}
		// (Codes are as wide as the longest: one made from a name runs to
		// 24 characters, and a column cut short would lose its number.)
		// The name gives way to them (to 16), so that a row fits 80
		// columns as long as codes are at most 24 (as made from names).
		cw, pw := 16, 16
		for _, l := range ls {
			cw, pw = max(cw, len(l.Code)), max(pw, len(l.ParentCode))
		}
		nw := max(16, 30-(cw-16)-(pw-16))
		fmt.Fprintf(a.stdout, "%-*s %-*s %-*s %s\n", cw, "CODE", nw, "NAME", pw, "PARENT", "ASSETS")
		for _, l := range ls {
			fmt.Fprintf(a.stdout, "%-*s %s %-*s %d\n", cw, l.Code, col(l.Name, nw), pw, l.ParentCode, l.Assets)
		}
		return nil
	})
}

func cmdModelAdd(ctx context.Context, a *app, args []string) error {
	c := findCommand("model add")
	fs := a.flags(c)
	number := fs.String("number", "", "model number")
	mf := fs.String("manufacturer", "", "manufacturer")
	cat := fs.String("category", "", "category (Laptop, Phone, Server, ...)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("model add needs one NAME (quote a name with spaces)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		m, err := db.AddModel(ctx, pos[0], *number, *mf, *cat)
		if err != nil {
			return fmt.Errorf("model add: %w; nothing changed", err)
		}
		fmt.Fprintf(a.stdout, "added model %q%s\n", m.Name, prefixed(" ", m.ModelNumber))
		return nil
	})
}

func cmdModelList(ctx context.Context, a *app, args []string) error {
	c := findCommand("model list")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		ms, err := db.Models(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSONList(a.stdout, ms)
		}
		fmt.Fprintf(a.stdout, "%-30s %-14s %-16s %s\n", "NAME", "NUMBER", "MANUFACTURER", "CATEGORY")
		for _, m := range ms {
			fmt.Fprintf(a.stdout, "%s %-14s %s %s\n", col(m.Name, 30), m.ModelNumber, col(m.Manufacturer, 16), m.Category)
		}
		return nil
	})
}

// prefixed is sep+s, or "" when s is empty.
func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}
