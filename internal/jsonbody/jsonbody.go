// Package jsonbody decodes the JSON objects that staff send muster, over
// the API or in a file given to the command line, into its types, with
// errors that name the field and say what was expected.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/muster-force/muster"
)

// MaxBytes bounds a JSON object from staff: an API request body or a file
// given to the command line.
const MaxBytes = 1 << 20

// Decode decodes body into v: one JSON object in UTF-8 with no fields v
// does not know. Errors are EINVALID and name the offending field.
// (encoding/json would take bytes that are not UTF-8 and store U+FFFD in
// their place.)
func Decode(body []byte, v any) error {
	switch trimmed := bytes.TrimLeft(body, " \t\r\n"); {
	case len(trimmed) == 0:
		return muster.FieldError("body", "a JSON object is required")
	case !utf8.Valid(body):
		return muster.FieldError("body", "not valid UTF-8")
	case trimmed[0] != '{':
		return muster.FieldError("body", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var domain *muster.Error
		if errors.As(err, &domain) {
			// From an UnmarshalJSON method, such as muster.Date's, which
			// encoding/json does not tell the field of.
			return muster.FieldError(fieldOf(body, v), domain.Message)
		}
		return Error(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return muster.FieldError("body", "must hold exactly one JSON object")
	}
	return nil
}

// fieldOf finds the top-level field of the JSON object body that fails to
// decode into a value of v's type, or returns "body".
func fieldOf(body []byte, v any) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return "body"
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		one, _ := json.Marshal(map[string]json.RawMessage{name: fields[name]})
		if json.Unmarshal(one, reflect.New(reflect.TypeOf(v).Elem()).Interface()) != nil {
			return name
		}
	}
	return "body"
}

// Error turns an error of encoding/json, or of reading a body with
// http.MaxBytesReader, into an EINVALID (or ETOOLARGE) error that names
// the field and says what was expected.
func Error(err error) error {
	var (
		tooLarge *http.MaxBytesError
		syntax   *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return muster.Errorf(muster.ETOOLARGE, "The request body is over the limit of %d bytes.", tooLarge.Limit)
	case errors.Is(err, io.EOF):
		return muster.FieldError("body", "a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return muster.FieldError("body", "the JSON ends too early")
	case errors.As(err, &syntax):
		return muster.FieldError("body", fmt.Sprintf("not valid JSON at byte %d", syntax.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return muster.FieldError(field, "must be "+jsonTypeName(typ.Type.Kind().String())+", not a JSON "+typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f, _ := strconv.Unquote(name)
		return muster.FieldError(f, "unknown field")
	}
	return muster.FieldError("body", "not a valid JSON request")
}

// jsonTypeName names a Go kind the way an API user thinks of it.
func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"):
		return "a whole number"
	case strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice" || kind == "array":
		return "an array"
	}
	return "an object"
}
