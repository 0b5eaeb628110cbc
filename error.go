// Package campusguard holds the domain of the product: the types, the rules
// and the service contracts. It imports nothing of ours and no driver; the
// adapters in internal/ import it.
package campusguard

import (
	"errors"
	"fmt"
)

// Code classifies an Error. Transports map each code to a status in one table.
type Code string

// The error codes. Any error that is not an *Error is Internal.
const (
	Invalid         Code = "invalid"
	NotFound        Code = "not_found"
	Conflict        Code = "conflict"
	Unauthenticated Code = "unauthenticated"
	Forbidden       Code = "forbidden"
	Internal        Code = "internal"
)

// Error is an error a user can act on. Any other error is internal: it is
// logged, and users see only "internal error".
type Error struct {
	Code    Code         // what kind of failure
	Message string       // a message key from the catalogue, translated when rendered
	Args    []any        // arguments for the message
	Fields  []FieldError // each bad field or spreadsheet row, all at once
	Err     error        // cause, for the log; never shown
}

// FieldError names one bad input: a field, and for imports the 1-based row.
type FieldError struct {
	Field string `json:"field"`
	Row   int    `json:"row,omitempty"`
	Msg   string `json:"message"` // a message key
	Args  []any  `json:"-"`
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args)
	}
	for i, f := range e.Fields {
		if i == 5 {
			s += fmt.Sprintf(" (+%d more)", len(e.Fields)-5)
			break
		}
		if f.Row > 0 {
			s += fmt.Sprintf("; row %d", f.Row)
		}
		s += fmt.Sprintf("; %s: %s", f.Field, f.Msg)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code, message key and arguments.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: args}
}

// InvalidFields returns an Invalid error listing every bad field.
func InvalidFields(fields []FieldError) *Error {
	return &Error{Code: Invalid, Message: "error.invalid_input", Fields: fields}
}

// ErrorCode returns the code of err: Internal unless errors.As finds an *Error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors collects field errors while a value is validated.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, key string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Msg: key, Args: args})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return InvalidFields(fe)
}
