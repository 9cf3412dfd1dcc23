package nrm

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes sent to clients. They are stable: scripts match on them.
const (
	CodeInvalid      = "invalid_input" // 400/422: the request names a bad field
	CodeUnauthorized = "unauthorized"  // 401: no valid credentials
	CodeForbidden    = "forbidden"     // 403: known caller, not allowed
	CodeNotFound     = "not_found"     // 404: absent, or not visible to the caller
	CodeConflict     = "conflict"      // 409: stale version or illegal state transition
	CodeThrottled    = "too_many_requests"
	CodeInternal     = "internal"
)

// Error is the one error type that crosses layers. Message and Field are safe
// to show to the caller; Cause is for the log only and may hold detail the
// caller must not see.
type Error struct {
	Code    string
	Message string // English, for the API and the log
	Field   string
	Cause   error
	// Key and Args are what Message was made of: pages translate the key
	// (a printf-style English text) and fill in the arguments, so that no
	// page looks up an English sentence already formatted.
	Key  string
	Args []any
}

// Phrase is an argument of an error that people read and that pages
// translate too, such as what was not found or a state's label.
type Phrase string

// Phrases joins phrases with commas for the English message.
func Phrases(ps []Phrase) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// english formats an error's key for the API, where phrases stay English.
func english(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	plain := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Phrase:
			plain[i] = string(a)
		case []Phrase:
			plain[i] = Phrases(a)
		default:
			plain[i] = a
		}
	}
	return fmt.Sprintf(format, plain...)
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// Invalid reports bad input in one named field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: english(format, args), Key: format, Args: args}
}

// NotFound is also the answer when the caller may not know that a thing exists.
func NotFound(what string) *Error {
	// The key is the whole sentence ("case not found"), so each language
	// words it with the right gender and case.
	return &Error{Code: CodeNotFound, Message: what + " not found", Key: what + " not found"}
}

func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: english(format, args), Key: format, Args: args}
}

func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: english(format, args), Key: format, Args: args}
}

func Unauthorized(msg string) *Error {
	return &Error{Code: CodeUnauthorized, Message: msg, Key: msg}
}

// Internal wraps an unexpected failure; the caller sees only a generic message.
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", Cause: cause}
}

// ErrStale is returned when an update lost an optimistic-concurrency race.
var ErrStale = &Error{Code: CodeConflict, Message: "the record was changed by someone else; reload and try again"}

// StatusOf is the HTTP status of an error code, for both faces of nrm.
func StatusOf(code string) int {
	switch code {
	case CodeInvalid:
		return 422
	case CodeUnauthorized:
		return 401
	case CodeForbidden:
		return 403
	case CodeNotFound:
		return 404
	case CodeConflict:
		return 409
	case CodeThrottled:
		return 429
	}
	return 500
}

// ErrorCode returns the code of err, or CodeInternal for errors not of type *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns err as an *Error, wrapping unknown errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
