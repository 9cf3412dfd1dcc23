package web

// SetMissHook lets the page tests hear of every message a language lacks.
func SetMissHook(f func(lang, msg string)) {
	if f == nil {
		missHook.Store(nil)
		return
	}
	missHook.Store(&f)
}
