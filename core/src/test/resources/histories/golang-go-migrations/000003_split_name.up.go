package migrations

import (
	"context"
	"database/sql"
	"strings"
)

// SplitNameUp adds first and last names and fills them from each user's name, in Go because the split is not SQL.
func SplitNameUp(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `ALTER TABLE users ADD COLUMN first_name text, ADD COLUMN last_name text`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM users`)
	if err != nil {
		return err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
	}
	for id, name := range names {
		first, last, _ := strings.Cut(name, " ")
		if _, err := tx.ExecContext(ctx, `UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3`,
			first, last, id); err != nil {
			return err
		}
	}
	return rows.Err()
}
