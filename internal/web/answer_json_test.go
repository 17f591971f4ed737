package web

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// FuzzAnswerJSON checks the answer's fast JSON paths against encoding/json:
// a body decodeFast takes decodes the same with jsonbody.Decode, and an
// answer appendAnswerJSON writes is what json.Encoder writes.
func FuzzAnswerJSON(f *testing.F) {
	for _, body := range []string{
		`{"answer":"yes"}`, `{"answer":"late","eta_minutes":45}`, `{"answer":"no","reason":"On a night shift until 08:00."}`,
		` { "answer" : "no" , "reason" : "Змена да 08:00" } `, `{}`, `{"answer":"yes","answer":"no"}`,
		`{"eta_minutes":-0}`, `{"eta_minutes":012}`, `{"eta_minutes":1e2}`, `{"eta_minutes":999999999}`, `{"eta_minutes":1234567890}`,
		`{"ANSWER":"yes"}`, `{"answer":"y\u00e9s"}`, `{"reason":"a\"b"}`, `{"answer":"yes"} {}`, `{"answer":"yes",}`,
		`{"reason":"` + "\xff" + `"}`, `{"reason":"` + "\u2028" + `"}`, `{"answer":null}`, `{"answer":"yes"`, `[]`, ``,
	} {
		f.Add([]byte(body), int64(1_796_000_000_123_456))
	}
	f.Fuzz(func(t *testing.T, body []byte, micros int64) {
		var fast answerInput
		if fast.decodeFast(body) {
			var slow answerInput
			if err := jsonbody.Decode(body, &slow); err != nil {
				t.Fatalf("%q: the fast path took it, jsonbody.Decode says %v", body, err)
			}
			if fast != slow {
				t.Fatalf("%q: fast %+v, jsonbody.Decode %+v", body, fast, slow)
			}
		}
		a := &muster.Answer{Answer: fast.Answer, ETAMinutes: fast.ETAMinutes, Reason: fast.Reason, Via: string(body),
			At: time.UnixMicro(micros).UTC()}
		got, ok := appendAnswerJSON(nil, a)
		if !ok {
			return
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(a); err != nil {
			t.Fatalf("%+v: the fast path wrote %q, encoding/json failed: %v", a, got, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%+v:\nfast %q\njson %q", a, got, want.Bytes())
		}
	})
}

// TestAnswerJSONFastPathTaken checks that the storm's bodies take the fast
// paths, so that FuzzAnswerJSON compares them at all.
func TestAnswerJSONFastPathTaken(t *testing.T) {
	for _, body := range []string{`{"answer":"yes"}`, `{"answer":"late","eta_minutes":45}`, ` {"answer" : "no", "reason":"Змена"}`} {
		var in answerInput
		if !in.decodeFast([]byte(body)) {
			t.Errorf("%s: not taken", body)
		}
	}
	a := &muster.Answer{Answer: muster.AnswerNo, Reason: "Змена", Via: "link", At: time.Now()}
	if _, ok := appendAnswerJSON(nil, a); !ok {
		t.Error("answer: not written")
	}
}
