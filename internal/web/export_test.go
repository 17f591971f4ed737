package web

// The route table's path prefixes, for the tests of package web_test.
const (
	CalendarPath = calendarPath
	KitPath      = kitPath
)
