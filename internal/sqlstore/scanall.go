package sqlstore

import "database/sql"

// scanAll reads every row of rows with scan, closes rows and checks
// rows.Err(): the hand-written loop with both checks, once. On an error it
// returns nil, never a short list that looks whole. An empty result is an
// empty, non-nil slice (it encodes as [] in JSON).
func scanAll[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
