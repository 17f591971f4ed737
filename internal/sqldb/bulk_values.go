package sqldb

import (
	"fmt"
	"math"
)

// packedValues are the rows of a bulk insert, their values one after
// another: NULLs, integers, reals and texts, each text's bytes appended to
// text.
// Appending a value boxes nothing, so that a million rows cost no
// allocation per value; a packed statement binds a run of them in one call.
type packedValues struct {
	kinds []byte  // packedNull, packedInteger, packedText or packedReal
	nums  []int64 // the integer, the text's length in bytes, or the real's bits
	text  []byte  // the texts, one after another
}

// Kinds of packed values.
const (
	packedNull byte = iota
	packedInteger
	packedText
	packedReal
)

func (v *packedValues) reset() {
	v.kinds, v.nums, v.text = v.kinds[:0], v.nums[:0], v.text[:0]
}

// len returns the number of values.
func (v *packedValues) len() int { return len(v.kinds) }

// integer appends an integer.
func (v *packedValues) integer(x int64) {
	v.kinds, v.nums = append(v.kinds, packedInteger), append(v.nums, x)
}

// str appends a text.
func (v *packedValues) str(s string) {
	v.kinds, v.nums = append(v.kinds, packedText), append(v.nums, int64(len(s)))
	v.text = append(v.text, s...)
}

// real appends a floating-point number.
func (v *packedValues) real(x float64) {
	v.kinds, v.nums = append(v.kinds, packedReal), append(v.nums, int64(math.Float64bits(x)))
}

// add appends a value given as nil, an integer, a float64 or a string.
func (v *packedValues) add(value any) error {
	switch x := value.(type) {
	case nil:
		v.kinds, v.nums = append(v.kinds, packedNull), append(v.nums, 0)
	case int64:
		v.integer(x)
	case int:
		v.integer(int64(x))
	case float64:
		v.real(x)
	case string:
		v.str(x)
	default:
		return fmt.Errorf("packed values: cannot hold a %T", value)
	}
	return nil
}

// addRows appends the values of rows, each as add takes it.
func (v *packedValues) addRows(rows [][]any) error {
	for _, row := range rows {
		for _, x := range row {
			if err := v.add(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// slice returns the values from i to j, sharing v's memory; textFrom is
// where the i-th value's text starts in v.text (slice's callers walk the
// values in order, so they know it), and the second result is where the
// j-th value's starts.
func (v *packedValues) slice(i, j, textFrom int) (packedValues, int) {
	textTo := textFrom
	for k := i; k < j; k++ {
		if v.kinds[k] == packedText {
			textTo += int(v.nums[k])
		}
	}
	return packedValues{kinds: v.kinds[i:j], nums: v.nums[i:j], text: v.text[textFrom:textTo]}, textTo
}

// args returns the values as database/sql arguments.
func (v *packedValues) args() []any {
	args := make([]any, len(v.kinds))
	t := 0
	for i, k := range v.kinds {
		switch k {
		case packedInteger:
			args[i] = v.nums[i]
		case packedReal:
			args[i] = math.Float64frombits(uint64(v.nums[i]))
		case packedText:
			n := int(v.nums[i])
			args[i] = string(v.text[t : t+n])
			t += n
		}
	}
	return args
}
