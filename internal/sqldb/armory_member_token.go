package sqldb

import "context"

// CheckKitToken returns EUNAUTHORIZED unless the token is a kit link
// signed with the kit key (see armory_member.go); after the first call it
// reads nothing from the database.
func (db *DB) CheckKitToken(ctx context.Context, token string) error {
	_, err := db.kitMember(ctx, token)
	return err
}
