package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkInserter writes rows into one table with multi-row INSERT statements,
// so that a bulk import pays the driver's per-statement cost once per few
// hundred rows instead of once per row. In a bulk transaction on SQLite
// (Tx.conn set) it binds each statement's values in one call (packedStmt).
type bulkInserter struct {
	tx      *Tx
	table   string
	columns []string
	maxRows int
	stmts   map[int]*sql.Stmt   // by row count
	packed  map[int]*packedStmt // by row count, on SQLite in a bulk transaction
}

// bulkRows is how many rows one statement carries at most; with 14 columns
// that stays far below both databases' limits on bound parameters.
const bulkRows = 256

func (tx *Tx) newBulkInserter(table string, columns ...string) *bulkInserter {
	return &bulkInserter{tx: tx, table: table, columns: columns, maxRows: bulkRows,
		stmts: map[int]*sql.Stmt{}, packed: map[int]*packedStmt{}}
}

// insert writes the rows of v, each with one value per column.
func (b *bulkInserter) insert(ctx context.Context, v *packedValues) error {
	width := len(b.columns)
	if v.len()%width != 0 {
		return fmt.Errorf("insert into %s: %d values do not make rows of %d", b.table, v.len(), width)
	}
	text := 0
	for from := 0; from < v.len(); {
		to := min(v.len(), from+b.maxRows*width)
		var run packedValues
		run, text = v.slice(from, to, text)
		var err error
		if b.tx.conn != nil {
			err = b.insertPacked(&run)
		} else {
			err = b.insertArgs(ctx, &run)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", b.table, err)
		}
		from = to
	}
	return nil
}

// insertArgs inserts the rows of run through database/sql, one argument
// per value.
func (b *bulkInserter) insertArgs(ctx context.Context, run *packedValues) error {
	n := run.len() / len(b.columns)
	stmt := b.stmts[n]
	if stmt == nil {
		var err error
		if stmt, err = b.tx.PrepareContext(ctx, b.query(n)); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		b.stmts[n] = stmt
	}
	// Without a cancel channel the SQLite driver runs the statement on
	// this goroutine instead of handing it to a new one and waiting;
	// a statement of a few hundred rows is short, and the callers check
	// ctx between batches.
	_, err := stmt.ExecContext(context.WithoutCancel(ctx), run.args()...)
	return err
}

// insertPacked inserts the rows of run through a packed statement on the
// bulk transaction's connection.
func (b *bulkInserter) insertPacked(run *packedValues) error {
	n := run.len() / len(b.columns)
	return b.tx.conn.Raw(func(driverConn any) error {
		stmt := b.packed[n]
		if stmt == nil {
			var err error
			if stmt, err = preparePacked(driverConn, b.query(n)); err != nil {
				return err
			}
			b.packed[n] = stmt
		}
		return stmt.exec(run)
	})
}

// query is the INSERT of n rows.
func (b *bulkInserter) query(n int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.columns, ", ") + ") VALUES ")
	p := 1
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for j := range b.columns {
			if j > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", p)
			p++
		}
		sb.WriteString(")")
	}
	return sb.String()
}

func (b *bulkInserter) close() {
	for _, s := range b.stmts {
		s.Close()
	}
	if len(b.packed) > 0 {
		b.tx.conn.Raw(func(any) error {
			for _, s := range b.packed {
				s.close()
			}
			return nil
		})
	}
}

// allocateIDs reserves n ids of the table: on PostgreSQL from the identity
// sequence, on SQLite after the highest id (safe, as the one writer holds
// the database while the transaction lasts).
func (tx *Tx) allocateIDs(ctx context.Context, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if tx.db.dialect == postgres {
		rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
		if err != nil {
			return nil, fmt.Errorf("allocate %s ids: %w", table, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	next, ok := tx.nextID[table]
	if !ok {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM `+table).Scan(&next); err != nil {
			return nil, fmt.Errorf("allocate %s ids: %w", table, err)
		}
	}
	for range n {
		ids = append(ids, next)
		next++
	}
	if tx.nextID == nil {
		tx.nextID = map[string]int64{}
	}
	tx.nextID[table] = next
	return ids, nil
}
