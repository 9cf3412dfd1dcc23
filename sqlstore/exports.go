package sqlstore

import (
	"context"
	"database/sql"

	"github.com/nrmproject/nrm"
)

// microdataColumns are the columns of the cases projection the microdata
// export reads (nrm.KAnonymousMicrodata); never the row's id.
var microdataColumns = []string{"year", "sex", "age_band", "majority", "citizenship", "country_of_exploitation", "exploitation_type"}

// StatCaseRows reads the quasi-identifiers of every row of the cases
// projection, in no meaningful order. No data key is needed.
func (tx *Tx) StatCaseRows(ctx context.Context) ([]nrm.StatRow, error) {
	return collect(tx, ctx, func(r scanner) (nrm.StatRow, error) {
		vals := make([]sql.NullString, len(microdataColumns))
		dest := make([]any, len(vals))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := r.Scan(dest...); err != nil {
			return nil, err
		}
		row := make(nrm.StatRow, len(vals))
		for i, v := range vals {
			if v.Valid {
				row[microdataColumns[i]] = v.String
			}
		}
		return row, nil
	}, "SELECT year, sex, age_band, majority, citizenship, country_of_exploitation, exploitation_type FROM stat_cases")
}
