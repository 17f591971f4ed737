package muster

import (
	"context"
	"regexp"
	"time"
)

// Role is what a staff user or API token may do, always within the unit
// subtree it is bound to.
type Role string

// The roles.
const (
	RoleAdmin     Role = "admin"     // everything, including users, tokens and units
	RoleCommander Role = "commander" // read and change the roster and units, read the audit log
	RoleClerk     Role = "clerk"     // read and change the roster
	RoleArmorer   Role = "armorer"   // read the roster; the armory
	RoleViewer    Role = "viewer"    // read only
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCommander, RoleClerk, RoleArmorer, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if v == r {
			return true
		}
	}
	return false
}

// Permission is one kind of action that roles grant.
type Permission string

// The permissions.
const (
	PermReadRoster     Permission = "roster.read"
	PermWriteRoster    Permission = "roster.write"
	PermWriteUnits     Permission = "units.write"
	PermReadAudit      Permission = "audit.read"
	PermManageUsers    Permission = "users.manage"
	PermWriteCatalogue Permission = "catalogue.write"
	PermCallUp         Permission = "callups.write" // create and run call-ups
	PermCheckIn        Permission = "callups.checkin"
	PermArmory         Permission = "armory.write" // move items and stock of the armories in scope
)

// Permissions lists every permission.
var Permissions = []Permission{PermReadRoster, PermWriteRoster, PermWriteUnits, PermReadAudit,
	PermManageUsers, PermWriteCatalogue, PermCallUp, PermCheckIn, PermArmory}

var rolePermissions = map[Role][]Permission{
	RoleAdmin:     Permissions,
	RoleCommander: {PermReadRoster, PermWriteRoster, PermWriteUnits, PermReadAudit, PermCallUp, PermCheckIn, PermArmory},
	RoleClerk:     {PermReadRoster, PermWriteRoster, PermCheckIn},
	RoleArmorer:   {PermReadRoster, PermArmory},
	RoleViewer:    {PermReadRoster},
}

// Can reports whether the role grants p.
func (r Role) Can(p Permission) bool {
	for _, v := range rolePermissions[r] {
		if v == p {
			return true
		}
	}
	return false
}

// Actor is who performs an operation: a staff user, an API token, or the
// system itself (the CLI on the server's machine, the demo builder). Unit is
// the code of the subtree the actor is bound to.
type Actor struct {
	Kind   string // "user", "token" or "system"
	ID     int64
	Name   string
	Role   Role
	Unit   string
	UnitID int64
}

// Label names the actor in the audit log, e.g. "user:ivanova" or
// "token:7:import-script".
func (a *Actor) Label() string {
	switch a.Kind {
	case "system":
		return "system:" + a.Name
	case "token":
		return "token:" + a.Name
	default:
		return "user:" + a.Name
	}
}

// SystemActor returns the unrestricted actor used by the CLI and the demo
// builder, which run with the database owner's authority.
func SystemActor(name string) *Actor {
	return &Actor{Kind: "system", Name: name, Role: RoleAdmin}
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying the actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

type clientAddrKey struct{}

// NewContextWithClientAddr returns ctx carrying the address of the client
// the request came from (behind a trusted proxy, the one it names), by
// which the access service counts failed sign-ins.
func NewContextWithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddrFrom returns the client address in ctx, or "" when there is
// none (a command run on the server itself).
func ClientAddrFrom(ctx context.Context) string {
	addr, _ := ctx.Value(clientAddrKey{}).(string)
	return addr
}

type deviceKey struct{}

// DeviceLifetime is how long a device stays remembered after the last
// sign-in from it (AccessService.RememberDevice).
const DeviceLifetime = 180 * 24 * time.Hour

// NewContextWithDevice returns ctx carrying the device token that the
// browser a sign-in comes from keeps (AccessService.RememberDevice).
func NewContextWithDevice(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, deviceKey{}, token)
}

// DeviceFrom returns the device token in ctx, or "" when there is none.
func DeviceFrom(ctx context.Context) string {
	token, _ := ctx.Value(deviceKey{}).(string)
	return token
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// User is a staff account.
type User struct {
	ID          int64     `json:"-"`
	Login       string    `json:"login"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Unit        string    `json:"unit"`
	TOTPEnabled bool      `json:"totp_enabled"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	// Email and Phone (E.164) are where muster sends the user's messages
	// (expiry digests, escalated armory checks); both optional.
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// loginPattern is the form of a staff login.
var loginPattern = regexp.MustCompile(`^[a-z0-9._-]{3,64}$`)

// ValidLogin reports whether s has the form of a staff login.
func ValidLogin(s string) bool { return loginPattern.MatchString(s) }

// Validate checks a new user's fields, returning an EINVALID error with
// one detail per bad field.
func (u *User) Validate() error {
	var details []ErrorDetail
	if !ValidLogin(u.Login) {
		details = append(details, ErrorDetail{Field: "login", Message: "must be 3–64 of a–z, 0–9, '.', '_' or '-'"})
	}
	if p := lineProblem(u.Name, 200, true); p != "" {
		details = append(details, ErrorDetail{Field: "name", Message: p})
	}
	details = append(details, grantDetails(u.Role, u.Unit)...)
	return InvalidFields("user", details)
}

// grantDetails are the problems of a user's or a token's role and unit.
func grantDetails(role Role, unit string) []ErrorDetail {
	var details []ErrorDetail
	if !role.Valid() {
		details = append(details, ErrorDetail{Field: "role", Message: "not a known role"})
	}
	if unit == "" {
		details = append(details, ErrorDetail{Field: "unit", Message: "required"})
	}
	return details
}

// UserContact is a staff user's contact data; an empty field has none.
type UserContact struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

// Validate checks the e-mail address and the phone number as a member's
// are checked, returning an EINVALID error with one detail per bad field.
func (c *UserContact) Validate() error {
	return InvalidFields("contact", contactDetails(c.Phone, c.Email))
}

// Token is an API token. Its secret is shown once, when it is created, and
// stored only as a hash.
type Token struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	Unit       string    `json:"unit"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	Revoked    bool      `json:"revoked"`
}

// Validate checks a new token's fields, returning an EINVALID error with
// one detail per bad field.
func (t *Token) Validate() error {
	var details []ErrorDetail
	if p := lineProblem(t.Name, 100, true); p != "" {
		details = append(details, ErrorDetail{Field: "name", Message: p})
	}
	details = append(details, grantDetails(t.Role, t.Unit)...)
	return InvalidFields("token", details)
}

// AccessService manages staff users, their sessions and API tokens.
//
// Errors: EUNAUTHORIZED for wrong credentials, an unknown, expired or revoked
// session or token; EFORBIDDEN when the actor may not manage users or the
// unit is outside its subtree; EINVALID for bad fields; ECONFLICT for a
// duplicate login.
type AccessService interface {
	// CreateUser creates a staff user with the password (hashed with argon2id).
	CreateUser(ctx context.Context, u *User, password string) error
	// SetPassword replaces a user's password, for an actor who manages
	// users over the user (not the user themself), and ends the user's
	// sessions.
	SetPassword(ctx context.Context, login, password string) error
	// ChangePassword replaces the password of the signed-in user of ctx,
	// who gives the current one (EUNAUTHORIZED when wrong, ERATELIMIT after
	// too many), and ends the user's sessions but keepSession.
	ChangePassword(ctx context.Context, keepSession, current, password string) error
	// Authenticate checks a login, password and, when the user has enabled
	// it, a TOTP code. It needs no actor. Too many failures for the login
	// from the client address of ctx (NewContextWithClientAddr), or from
	// all addresses together, make it ERATELIMIT for a while; the failures
	// of a device the login has signed in from (NewContextWithDevice)
	// count for that device alone.
	Authenticate(ctx context.Context, login, password, totpCode string) (*User, error)
	// RememberDevice records that the user signed in from a browser and
	// returns the device token to keep there; old, the browser's previous
	// token, is forgotten. It needs no actor.
	RememberDevice(ctx context.Context, userID int64, old string) (token string, err error)
	// BeginTOTP generates a new TOTP secret for the user in ctx and returns
	// its otpauth:// URL; the second factor is on once ConfirmTOTP succeeds.
	// It needs the user's password and, while TOTP is on, a code of the
	// current key (EUNAUTHORIZED when wrong, ERATELIMIT after too many).
	BeginTOTP(ctx context.Context, password, code string) (url string, err error)
	ConfirmTOTP(ctx context.Context, code string) error
	// DisableTOTP switches the second factor of the user in ctx off; it
	// needs the password and a code, as BeginTOTP does.
	DisableTOTP(ctx context.Context, password, code string) error
	// CreateSession starts a session for the user and returns its secret.
	CreateSession(ctx context.Context, userID int64) (secret string, err error)
	DeleteSession(ctx context.Context, secret string) error
	// SessionActor returns the actor of a live session.
	SessionActor(ctx context.Context, secret string) (*Actor, error)
	// CreateToken creates an API token and returns its secret.
	CreateToken(ctx context.Context, t *Token) (secret string, err error)
	// TokenActor returns the actor of a valid token.
	TokenActor(ctx context.Context, secret string) (*Actor, error)
	RevokeToken(ctx context.Context, id int64) error
	FindTokens(ctx context.Context) ([]*Token, error)
	FindUsers(ctx context.Context) ([]*User, error)
	// FindCurrentUser returns the signed-in user of ctx (EFORBIDDEN for a
	// token or the system).
	FindCurrentUser(ctx context.Context) (*User, error)
	// SetUserContact replaces a user's e-mail address and phone, for the
	// user themself or an actor who manages users over the user's unit
	// and role, and returns the user.
	SetUserContact(ctx context.Context, login string, c UserContact) (*User, error)
}
