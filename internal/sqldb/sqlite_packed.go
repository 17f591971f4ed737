package sqldb

/*
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
extern int sqlite3_prepare_v2(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
extern int sqlite3_bind_int64(sqlite3_stmt*, int, long long);
extern int sqlite3_bind_text(sqlite3_stmt*, int, const char*, int, void(*)(void*));
extern int sqlite3_bind_null(sqlite3_stmt*, int);
extern int sqlite3_bind_double(sqlite3_stmt*, int, double);
extern int sqlite3_step(sqlite3_stmt*);
extern int sqlite3_reset(sqlite3_stmt*);
extern int sqlite3_clear_bindings(sqlite3_stmt*);
extern int sqlite3_finalize(sqlite3_stmt*);
extern sqlite3 *sqlite3_db_handle(sqlite3_stmt*);
extern const char *sqlite3_errmsg(sqlite3*);
extern int sqlite3_extended_errcode(sqlite3*);

// muster_exec_packed binds n values to stmt, steps it once and resets it.
// kinds[i] is 0 for NULL, 1 for the integer nums[i], 2 for text of nums[i]
// bytes, the next ones of text, 3 for the double whose bits nums[i] holds
// (the kinds of packedValues). Text is bound without a copy
// (SQLITE_STATIC), which is safe as the bindings are cleared before the
// function returns. On failure it returns the extended result code and
// copies the message into msg.
static int muster_exec_packed(sqlite3_stmt *stmt, int n, const unsigned char *kinds, const long long *nums, const char *text, char *msg, int msglen) {
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		switch (kinds[i]) {
		case 0:
			rc = sqlite3_bind_null(stmt, i + 1);
			break;
		case 1:
			rc = sqlite3_bind_int64(stmt, i + 1, nums[i]);
			break;
		case 3: {
			double d;
			memcpy(&d, &nums[i], sizeof d);
			rc = sqlite3_bind_double(stmt, i + 1, d);
			break;
		}
		default:
			rc = sqlite3_bind_text(stmt, i + 1, text, (int)nums[i], (void (*)(void *))0);
			text += nums[i];
		}
	}
	if (rc == 0) {
		rc = sqlite3_step(stmt);
		if (rc == 101) { // SQLITE_DONE
			rc = 0;
		}
	}
	if (rc != 0) {
		sqlite3 *db = sqlite3_db_handle(stmt);
		rc = sqlite3_extended_errcode(db);
		strncpy(msg, sqlite3_errmsg(db), msglen - 1);
		msg[msglen - 1] = 0;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// packedStmt is a statement prepared on a SQLite connection's own handle
// and run with all its values bound in one cgo call. Through database/sql
// and the driver each value is a call of its own: a million-member import
// binds 21 million values, and binding them so took 2.3 s of the writer's
// CPU more than packing them does (see bulkInserter). Use it only inside
// sql.Conn.Raw on the connection that prepared it.
type packedStmt struct {
	stmt *C.sqlite3_stmt
}

// preparePacked prepares query on the SQLite connection behind driverConn.
func preparePacked(driverConn any, query string) (*packedStmt, error) {
	db, err := sqliteHandle(driverConn)
	if err != nil {
		return nil, err
	}
	cq := C.CString(numberedParams(query))
	defer C.free(unsafe.Pointer(cq))
	var stmt *C.sqlite3_stmt
	if rc := C.sqlite3_prepare_v2(db, cq, -1, &stmt, nil); rc != 0 {
		return nil, fmt.Errorf("prepare: %w: %s", sqlite3.Error{Code: sqlite3.ErrNo(rc & 0xff), ExtendedCode: sqlite3.ErrNoExtended(C.sqlite3_extended_errcode(db))}, C.GoString(C.sqlite3_errmsg(db)))
	}
	return &packedStmt{stmt: stmt}, nil
}

// sqliteHandle is the sqlite3* of one of our driver connections. The
// driver keeps it in an unexported field; TestPackedStmt fails if a new
// version of the driver moves it.
func sqliteHandle(driverConn any) (*C.sqlite3, error) {
	c, ok := driverConn.(*sqliteConn)
	if !ok {
		return nil, fmt.Errorf("packed statement: %T is not a SQLite connection", driverConn)
	}
	f := reflect.ValueOf(c.SQLiteConn).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("packed statement: the SQLite driver keeps no connection handle")
	}
	return (*C.sqlite3)(f.UnsafePointer()), nil
}

// exec runs the statement once with v's values. Its errors are the
// driver's sqlite3.Error, so that isUniqueViolation sees them.
func (s *packedStmt) exec(v *packedValues) error {
	if len(v.kinds) == 0 {
		return errors.New("packed statement: no values")
	}
	var text *C.char
	if len(v.text) > 0 {
		text = (*C.char)(unsafe.Pointer(&v.text[0]))
	}
	var msg [256]byte
	rc := C.muster_exec_packed(s.stmt, C.int(len(v.kinds)), (*C.uchar)(unsafe.Pointer(&v.kinds[0])),
		(*C.longlong)(unsafe.Pointer(&v.nums[0])), text, (*C.char)(unsafe.Pointer(&msg[0])), C.int(len(msg)))
	if rc == 0 {
		return nil
	}
	m, _, _ := bytes.Cut(msg[:], []byte{0})
	return fmt.Errorf("%w: %s", sqlite3.Error{Code: sqlite3.ErrNo(rc & 0xff), ExtendedCode: sqlite3.ErrNoExtended(rc)}, m)
}

func (s *packedStmt) close() {
	C.sqlite3_finalize(s.stmt)
}
