package web

import (
	"fmt"
	"html/template"
	"image"
	"net/http"
	"net/url"
	"strings"

	"github.com/pquerna/otp"

	"github.com/muster-force/muster"
)

// accountView is the data of the account page. During TOTP set-up it
// carries the otpauth:// URL, its secret and the URL as a QR code.
type accountView struct {
	TOTPEnabled bool
	SetupURL    string
	Secret      string
	QR          template.HTML // an inline SVG; "" when it cannot be drawn
	Error       string        // what is wrong with the code that confirms a set-up
	// TOTPError is why setting up or switching off two-factor sign-in was
	// refused (a wrong password or code).
	TOTPError string
	// PasswordError is why a change of password was refused.
	PasswordError string
	// Email and Phone are the user's contact data, ContactError what is
	// wrong with them as typed.
	Email, Phone string
	ContactError string
}

// pageAccount shows who is signed in and offers to set up two-factor
// sign-in with an authenticator app.
func (s *Server) pageAccount(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account", &view{Title: "Account", Nav: "account", Data: s.accountData(r)})
}

// accountData returns the account page's data for the actor of r.
func (s *Server) accountData(r *http.Request) accountView {
	var data accountView
	if u, err := s.Access.FindCurrentUser(r.Context()); err == nil {
		data.TOTPEnabled, data.Email, data.Phone = u.TOTPEnabled, u.Email, u.Phone
	}
	return data
}

// pageAccountTOTP sets up two-factor sign-in in two steps: action=begin
// makes a new secret and shows it; action=confirm switches it on once the
// user enters a code from the app. action=disable switches it off. Begin
// and disable need the password and, while TOTP is on, a code of the
// current key: the service refuses them otherwise.
func (s *Server) pageAccountTOTP(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx := r.Context()
	data := s.accountData(r)
	status := http.StatusOK
	code := strings.ReplaceAll(r.PostFormValue("code"), " ", "")
	switch action := r.PostFormValue("action"); action {
	case "begin", "disable":
		password := r.PostFormValue("password")
		var err error
		if action == "disable" {
			if err = s.Access.DisableTOTP(ctx, password, code); err == nil {
				s.redirectWithFlash(w, r, "/account", "Two-factor sign-in is off: you sign in with your password alone.")
				return
			}
		} else {
			var u string
			if u, err = s.Access.BeginTOTP(ctx, password, code); err == nil {
				data.setup(u)
				break
			}
		}
		if status = s.refusedOnAccount(w, r, err); status == 0 {
			return
		}
		data.TOTPError = muster.ErrorMessage(err)
	case "confirm":
		err := s.Access.ConfirmTOTP(ctx, code)
		if err == nil {
			s.redirectWithFlash(w, r, "/account", "Two-factor sign-in is on: from now on, sign in with a code from your app.")
			return
		}
		// Show the same secret again: it stays pending until confirmed.
		if status = s.refusedOnAccount(w, r, err); status == 0 {
			return
		}
		data.Error = "That code is not right: check the time on your phone and enter the current code."
		if muster.ErrorCode(err) != muster.EUNAUTHORIZED {
			data.Error = muster.ErrorMessage(err)
		}
		data.setup(r.PostFormValue("url"))
	default:
		s.pageError(w, r, muster.Errorf(muster.EINVALID, "Unknown action."))
		return
	}
	s.render(w, r, status, "account", &view{Title: "Account", Nav: "account", Data: data})
}

// refusedOnAccount returns the status of the account page that shows why
// a change of how the user signs in was refused: a wrong password or code
// is 400 (the session is fine; what was typed is wrong), too many tries
// 429. Any other error it answers itself, returning 0.
func (s *Server) refusedOnAccount(w http.ResponseWriter, r *http.Request, err error) int {
	switch muster.ErrorCode(err) {
	case muster.EUNAUTHORIZED, muster.EINVALID:
		return http.StatusBadRequest
	case muster.ERATELIMIT:
		setRetryAfter(w, err)
		return http.StatusTooManyRequests
	}
	s.pageError(w, r, err)
	return 0
}

// setup fills in the set-up of the otpauth:// URL u.
func (data *accountView) setup(u string) {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "otpauth" {
		return
	}
	data.SetupURL = u
	data.Secret = parsed.Query().Get("secret")
	data.QR = qrSVG(u)
}

// qrSVG draws u as a QR code in an inline SVG (so that it needs neither a
// data: URL nor a route of its own), or returns "" when it cannot.
func qrSVG(u string) template.HTML {
	key, err := otp.NewKeyFromURL(u)
	if err != nil {
		return ""
	}
	// The image is unscaled, one pixel a module, at the code's own size:
	// 17+4v modules for version v.
	var img image.Image
	for n := 21; n <= 177 && img == nil; n += 4 {
		img, _ = key.Image(n, n)
	}
	if img == nil {
		return ""
	}
	b := img.Bounds()
	const quiet = 4
	var path strings.Builder
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; {
			if !dark(img, x, y) {
				x++
				continue
			}
			start := x
			for x < b.Max.X && dark(img, x, y) {
				x++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", start-b.Min.X+quiet, y-b.Min.Y+quiet, x-start, x-start)
		}
	}
	size := b.Dx() + 2*quiet
	return template.HTML(fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="QR code of the set-up link" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		size, size, size, size, path.String()))
}

// dark reports whether the pixel at x, y is dark.
func dark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r+g+b < 3*0x8000
}
