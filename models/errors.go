package models

import (
	"errors"
	"fmt"
)

// Kind is one of the few ways an operation can fail that a caller must tell apart. The handlers
// map each kind to an HTTP status in one place; everything else is an internal error.
type Kind int

const (
	KindInternal    Kind = iota
	KindInvalid          // the input breaks a rule; Field names the input
	KindNotFound         // no such thing, or not visible to the caller (the two look the same)
	KindConflict         // the thing's state does not allow the operation now
	KindForbidden        // the caller may not do this
	KindUnavailable      // a service the operation needs is down; try again later
)

// Error carries a message meant for the person using the system, in Chinese.
type Error struct {
	Kind    Kind
	Field   string // for KindInvalid: which input, as named in forms and JSON
	Message string
	Err     error // the cause, for logs; never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports that the input named field breaks a rule.
func Invalid(field, message string) error {
	return &Error{Kind: KindInvalid, Field: field, Message: message}
}

// NotFound reports that a thing does not exist or is not the caller's to see.
func NotFound(message string) error { return &Error{Kind: KindNotFound, Message: message} }

// Conflict reports that the current state does not allow the operation.
func Conflict(message string) error { return &Error{Kind: KindConflict, Message: message} }

// Forbidden reports that the caller may not do this.
func Forbidden(message string) error { return &Error{Kind: KindForbidden, Message: message} }

// Unavailable reports that a service the operation needs is down.
func Unavailable(message string, cause error) error {
	return &Error{Kind: KindUnavailable, Message: message, Err: cause}
}

// ErrorKind returns the kind of err, KindInternal for anything that is not an *Error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorMessage returns the message meant for people, or a generic one for internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后再试"
}

// ErrorField returns the input an invalid-kind error names, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
