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

extern long long sqlite3_column_int64(sqlite3_stmt*, int);

// bind_packed binds n values to stmt from the kinds of packedValues: 0 for
// NULL, 1 for the integer nums[i], 2 for text of nums[i] bytes, the next
// ones of *text, 3 for the double whose bits nums[i] holds. It advances
// *text past the texts it bound. Text is bound without a copy
// (SQLITE_STATIC): the callers clear the bindings before they return.
static int bind_packed(sqlite3_stmt *stmt, int n, const unsigned char *kinds, const long long *nums, const char **text) {
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
			rc = sqlite3_bind_text(stmt, i + 1, *text, (int)nums[i], (void (*)(void *))0);
			*text += nums[i];
		}
	}
	return rc;
}

// failed returns the extended result code of the connection's last error
// and copies its message into msg.
static int failed(sqlite3_stmt *stmt, char *msg, int msglen) {
	sqlite3 *db = sqlite3_db_handle(stmt);
	strncpy(msg, sqlite3_errmsg(db), msglen - 1);
	msg[msglen - 1] = 0;
	return sqlite3_extended_errcode(db);
}

// muster_step_rows runs stmt once for each of nrows rows of per values
// (see bind_packed). With nout > 0 it keeps the first result row of each
// run: its first nout columns, as integers, go to out[r*nout …] and
// found[r] is 1, or 0 when the run returned no row. It stops at the first
// error: it returns the extended result code and copies the message into
// msg.
static int muster_step_rows(sqlite3_stmt *stmt, int nrows, int per, const unsigned char *kinds, const long long *nums, const char *text,
		int nout, long long *out, unsigned char *found, char *msg, int msglen) {
	int rc = 0;
	for (int r = 0; r < nrows && rc == 0; r++) {
		rc = bind_packed(stmt, per, kinds + (long)r * per, nums + (long)r * per, &text);
		if (rc == 0) {
			rc = sqlite3_step(stmt);
			if (rc == 100) { // SQLITE_ROW
				for (int c = 0; c < nout; c++) {
					out[(long)r * nout + c] = sqlite3_column_int64(stmt, c);
				}
				if (nout > 0) {
					found[r] = 1;
				}
				rc = 0;
			} else if (rc == 101) { // SQLITE_DONE
				if (nout > 0) {
					found[r] = 0;
				}
				rc = 0;
			}
		}
		if (rc != 0) {
			rc = failed(stmt, msg, msglen);
		}
		sqlite3_reset(stmt);
	}
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

// sqliteHandleKey identifies the SQLite connection behind driverConn, so
// that statements prepared on it can be told from those of another.
func sqliteHandleKey(driverConn any) (uintptr, error) {
	db, err := sqliteHandle(driverConn)
	return uintptr(unsafe.Pointer(db)), err
}

// exec runs the statement once with v's values. Its errors are the
// driver's sqlite3.Error, so that isUniqueViolation sees them.
func (s *packedStmt) exec(v *packedValues) error {
	if len(v.kinds) == 0 {
		return errors.New("packed statement: no values")
	}
	return s.stepRows(v, len(v.kinds), nil, nil)
}

// stepRows runs the statement once for each run of per values of v, in
// one cgo call. With out not nil, the statement returns rows: of each run
// it keeps the first, whose first len(out)/rows columns it reads as
// integers into out, one row after another, and found[r] reports whether
// run r returned a row at all. Its errors are the driver's sqlite3.Error.
func (s *packedStmt) stepRows(v *packedValues, per int, out []int64, found []bool) error {
	if per <= 0 || len(v.kinds)%per != 0 {
		return fmt.Errorf("packed statement: %d values are not runs of %d", len(v.kinds), per)
	}
	rows := len(v.kinds) / per
	if rows == 0 {
		return nil
	}
	nout := 0
	var outp *C.longlong
	var foundp *C.uchar
	if out != nil {
		if len(found) != rows || len(out)%rows != 0 || len(out) == 0 {
			return fmt.Errorf("packed statement: %d results and %d flags for %d runs", len(out), len(found), rows)
		}
		nout = len(out) / rows
		outp = (*C.longlong)(unsafe.Pointer(&out[0]))
		foundp = (*C.uchar)(unsafe.Pointer(&found[0]))
	}
	var text *C.char
	if len(v.text) > 0 {
		text = (*C.char)(unsafe.Pointer(&v.text[0]))
	}
	var msg [256]byte
	rc := C.muster_step_rows(s.stmt, C.int(rows), C.int(per), (*C.uchar)(unsafe.Pointer(&v.kinds[0])),
		(*C.longlong)(unsafe.Pointer(&v.nums[0])), text, C.int(nout), outp, foundp, (*C.char)(unsafe.Pointer(&msg[0])), C.int(len(msg)))
	if rc == 0 {
		return nil
	}
	m, _, _ := bytes.Cut(msg[:], []byte{0})
	return fmt.Errorf("%w: %s", sqlite3.Error{Code: sqlite3.ErrNo(rc & 0xff), ExtendedCode: sqlite3.ErrNoExtended(rc)}, m)
}

func (s *packedStmt) close() {
	C.sqlite3_finalize(s.stmt)
}
