package main

import (
	"context"
	"fmt"
)

// runTUI opens the terminal UI.
func (a *app) runTUI(ctx context.Context) error {
	return fmt.Errorf("the terminal UI is not built yet: use the commands (tagdesk help)")
}
