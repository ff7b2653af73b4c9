package main

func labelCommands() []command { return nil }
