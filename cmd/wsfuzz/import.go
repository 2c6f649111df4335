package main

import "errors"

func runImport(args []string) error { return errors.New("not available in this build yet") }
