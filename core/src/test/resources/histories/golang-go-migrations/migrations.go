// Package migrations holds the SQL migrations, embedded for the service's migrator.
package migrations

import "embed"

//go:embed *.sql
var SQL embed.FS
