package sqldb

import (
	"context"

	"github.com/muster-force/muster/internal/answertoken"
)

// AnswerTokenForTest signs an answer token (call-up, member) with the
// answer key, to show that it does not open a kit page.
func (db *DB) AnswerTokenForTest(ctx context.Context, callupID, memberID int64) (string, error) {
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return "", err
	}
	return answertoken.Sign(key, callupID, memberID), nil
}
