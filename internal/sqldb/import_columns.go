package sqldb

import "github.com/muster-force/muster"

// fileColumns are the columns an imported file carries: an import changes
// only those of an existing row, and needs the required ones to create one.
type fileColumns map[string]bool

func columnsOf(names []string) fileColumns {
	c := fileColumns{}
	for _, n := range names {
		c[n] = true
	}
	return c
}

// missingToCreate returns a problem for each of the required columns the
// file lacks, to create what ("member BY123", "unit GOM").
func (c fileColumns) missingToCreate(required []string, what string) []muster.ErrorDetail {
	var missing []muster.ErrorDetail
	for _, name := range required {
		if !c[name] {
			missing = append(missing, muster.ErrorDetail{Field: name, Message: "column missing; it is needed to create " + what})
		}
	}
	return missing
}
