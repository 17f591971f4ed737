package main

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

// cmdUserContact sets a staff user's e-mail address and phone, where the
// daily expiry digest and escalated armory checks are sent.
func cmdUserContact(ctx context.Context, e *env, args []string) error {
	const synopsis = "user contact [-db DB] -login LOGIN [-email ADDRESS] [-phone E164]"
	fs, dsn := newFlags("user contact", e)
	login := fs.String("login", "", "login name")
	email := fs.String("email", "", "e-mail address; empty for none")
	phone := fs.String("phone", "", "phone number in E.164 form, such as +375291234567; empty for none")
	if err := parse(fs, args, synopsis, 0, 0); err != nil {
		return err
	}
	if err := need(fs, synopsis, "login"); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.SetUserContact(systemContext(ctx, e), *login, muster.UserContact{Email: *email, Phone: *phone})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s contact: e-mail %q, phone %q\n", u.Login, u.Email, u.Phone)
	return nil
}
