package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding. Screens list the ones that apply in their
// ShortHelp and FullHelp. Single letters only work where no text field has
// the keys; scanner bursts never reach them (see scan.go).
type keyMap struct {
	Quit     key.Binding
	ForceQ   key.Binding
	Help     key.Binding
	Back     key.Binding
	Up       key.Binding
	Down     key.Binding
	ListUp   key.Binding // arrows only: letters are typing where a field has focus
	ListDown key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Open     key.Binding
	Next     key.Binding
	Prev     key.Binding

	Receive    key.Binding
	CheckOut   key.Binding
	CheckIn    key.Binding
	Find       key.Binding
	People     key.Binding
	Stocktake  key.Binding // s: count a location
	Labels     key.Binding // l: the print queue (labels.go)
	Sync       key.Binding // y: the sync state (sync.go)
	Finish     key.Binding // ctrl+g: finish a stocktake (a letter would be typed into its field, ctrl+f moves its cursor)
	Offboard   key.Binding // x: take everything back from a person
	Reactivate key.Binding // a: undo an offboarding
	Refresh    key.Binding

	Start     key.Binding // leave the setup form and start scanning
	Condition key.Binding // cycle the check-in condition
	Status    key.Binding // cycle the status filter
	Clear     key.Binding // clear a filter or a setting

	Move     key.Binding // m: move the asset on screen (detail)
	Swap     key.Binding // w: swap the asset on screen for another (detail)
	MoveHere key.Binding // ctrl+o: move the last unexpected asset counted here (stocktake)
	Install  key.Binding // ctrl+n: install the assets held in the asset scanned first (check out)
	Edit     key.Binding
	Retire   key.Binding
	SetState key.Binding // the asset screen's status change: back in stock, in repair, missing
	Demo     key.Binding
}

func defaultKeyMap() *keyMap {
	return &keyMap{
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:     key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/f1", "help")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		ListUp:   key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
		ListDown: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),

		Receive:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "receive")),
		CheckOut:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "check out")),
		CheckIn:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "check in")),
		Find:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find")),
		People:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "people")),
		Stocktake:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stocktake")),
		Labels:     key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "labels")),
		Sync:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "sync")),
		Finish:     key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "finish")),
		Offboard:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "offboard")),
		Reactivate: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "undo offboarding")),
		Refresh:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),

		Start:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "start scanning")),
		Condition: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "condition")),
		Status:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "status filter")),
		Clear:     key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "clear")),

		Move:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "move")),
		MoveHere: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "move it here")),
		Install:  key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "install in it")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit field")),
		Retire:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "retire")),
		SetState: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "status")),
		Swap:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "swap")),
		Demo:     key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "use demo data")),
	}
}
