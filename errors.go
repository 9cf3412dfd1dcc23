package nrm

import (
	"errors"
	"fmt"
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
	Message string
	Field   string
	Cause   error
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
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound is also the answer when the caller may not know that a thing exists.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

func Unauthorized(msg string) *Error {
	return &Error{Code: CodeUnauthorized, Message: msg}
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
