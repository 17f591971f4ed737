package web

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/muster-force/muster"
)

// Web push from the answer page: static/push.js offers "Alert me on this
// phone" where the browser can take push, subscribes with the VAPID public
// key (Server.PushKey) and posts the subscription here; static/push-sw.js,
// the service worker (scope /static/), shows the notices. The response
// token is the authority, as for answers, and a bad one counts against the
// client's failure limit.

// errPushOff is the answer when this muster sends no push.
var errPushOff = muster.Errorf(muster.ENOTFOUND, "Alerts on this phone are not offered by this muster.")

// pushInput is a browser's PushSubscription.toJSON(): the endpoint, the
// optional expiry, and the keys in base64url.
type pushInput struct {
	Endpoint       string   `json:"endpoint"`
	ExpirationTime *float64 `json:"expirationTime"` // ignored: a gone subscription is found when a push fails
	Keys           struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// pushEndpointInput is the body of an unsubscribe.
type pushEndpointInput struct {
	Endpoint string `json:"endpoint"`
}

// pushSubscribe answers POST /r/{token}/push: 201 once the subscription
// is stored.
func (s *Server) pushSubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.pushAllowed(w, r) {
		return
	}
	var in pushInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	sub := &muster.PushSubscription{Endpoint: in.Endpoint}
	var err error
	if sub.P256dh, err = decodeKey(in.Keys.P256dh); err != nil {
		s.apiError(w, r, muster.FieldError("keys.p256dh", "must be base64url"))
		return
	}
	if sub.Auth, err = decodeKey(in.Keys.Auth); err != nil {
		s.apiError(w, r, muster.FieldError("keys.auth", "must be base64url"))
		return
	}
	if err := sub.Validate(); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Push.SubscribePush(r.Context(), r.PathValue("token"), sub); err != nil {
		s.answerFailed(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusCreated, sub)
}

// pushUnsubscribe answers DELETE /r/{token}/push {"endpoint"}: 204 once
// the member's subscription is gone (or when there was none).
func (s *Server) pushUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.pushAllowed(w, r) {
		return
	}
	var in pushEndpointInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Endpoint == "" || len(in.Endpoint) > muster.MaxPushEndpoint {
		s.apiError(w, r, muster.FieldError("endpoint", "is required, at most 2048 characters"))
		return
	}
	if err := s.Push.UnsubscribePush(r.Context(), r.PathValue("token"), in.Endpoint); err != nil {
		s.answerFailed(w, r, true, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pushAllowed answers and returns false when push is off or the token is
// not one muster signed (see answerToken).
func (s *Server) pushAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.Push == nil || s.PushKey == "" {
		s.apiError(w, r, errPushOff)
		return false
	}
	return s.answerToken(w, r, r.PathValue("token"), true)
}

// decodeKey reads a key in base64url, with or without padding.
func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
