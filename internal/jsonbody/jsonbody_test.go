package jsonbody_test

import (
	"testing"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// TestDecode decodes one good object and refuses each kind of bad one with
// an EINVALID error naming the field and the problem.
func TestDecode(t *testing.T) {
	type body struct {
		Title string      `json:"title"`
		Count int         `json:"count"`
		Day   muster.Date `json:"day"`
		Tags  []string    `json:"tags"`
	}
	var good body
	if err := jsonbody.Decode([]byte(` {"title":"Паводок","count":3,"day":"2027-01-10","tags":["a"]}`), &good); err != nil {
		t.Fatal(err)
	}
	if good.Title != "Паводок" || good.Count != 3 || good.Day.String() != "2027-01-10" || len(good.Tags) != 1 {
		t.Errorf("decoded %+v", good)
	}
	for _, c := range []struct{ body, field, message string }{
		{``, "body", "a JSON object is required"},
		{`[1]`, "body", "must be a JSON object"},
		{`{"title":"x"} {}`, "body", "must hold exactly one JSON object"},
		{`{"title":"x"`, "body", "the JSON ends too early"},
		{`{"title": x}`, "body", "not valid JSON at byte 11"},
		{`{"count":"three"}`, "count", "must be a whole number, not a JSON string"},
		{`{"tags":"a"}`, "tags", "must be an array, not a JSON string"},
		{`{"colour":"red"}`, "colour", "unknown field"},
		{`{"title":"x","day":"2027-02-30"}`, "day", `"2027-02-30" is not a real date`},
		{"{\"title\":\"Flood\xff\"}", "body", "not valid UTF-8"},
		{"{\"title\":\"\xd0\"}", "body", "not valid UTF-8"},
		{"\xef\xbb\xbf{\"title\":\"x\xc0\xaf\"}", "body", "not valid UTF-8"},
	} {
		var v body
		err := jsonbody.Decode([]byte(c.body), &v)
		d := muster.ErrorDetails(err)
		if muster.ErrorCode(err) != muster.EINVALID || len(d) != 1 || d[0].Field != c.field || (c.message != "" && d[0].Message != c.message) {
			t.Errorf("%s: %v %+v; want %s: %q", c.body, err, d, c.field, c.message)
		}
	}
}
