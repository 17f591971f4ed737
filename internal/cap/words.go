package cap

import (
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// vocabulary is the fixed text of an alert in one language.
type vocabulary struct {
	kind     map[muster.CallUpKind]string
	drill    string // the note of a drill
	restrict string // the restriction, before the unit's name
	to, by   string // "Report to POINT by TIME."
	byAlone  string // "Report by TIME."
	layout   string // the report-by time, then its UTC offset
}

var english = vocabulary{
	kind: map[muster.CallUpKind]string{
		muster.CallUpExercise: "Exercise call-up", muster.CallUpEmergency: "Emergency call-up",
		muster.CallUpMobilisation: "Mobilisation", muster.CallUpCivil: "Civil call-up",
	},
	drill:    "Drill: an exercise of the alerting system, not a real call-up.",
	restrict: "For the members called up and the staff of ",
	to:       "Report to ", by: " by ", byAlone: "Report by ",
	layout: "2006-01-02 15:04",
}

var russian = vocabulary{
	kind: map[muster.CallUpKind]string{
		muster.CallUpExercise: "Сбор на учения", muster.CallUpEmergency: "Экстренный сбор",
		muster.CallUpMobilisation: "Мобилизация", muster.CallUpCivil: "Сбор на гражданские работы",
	},
	drill:    "Тренировка системы оповещения, не настоящий сбор.",
	restrict: "Только для вызванных и штаба: ",
	to:       "Прибыть в пункт сбора: ", by: ", до ", byAlone: "Прибыть до ",
	layout: "02.01.2006 15:04",
}

// words returns the vocabulary of lang: Russian for ru and ru-*, else
// English.
func words(lang string) vocabulary {
	if lang == "ru" || strings.HasPrefix(lang, "ru-") {
		return russian
	}
	return english
}

// restriction says who the alert is for.
func (v vocabulary) restriction(unit string) string { return v.restrict + unit + "." }

// instruction tells the member where to report and by when, the time in
// loc (UTC when nil) with its offset.
func (v vocabulary) instruction(point string, by time.Time, loc *time.Location) string {
	when := ""
	if !by.IsZero() {
		if loc == nil {
			loc = time.UTC
		}
		when = by.In(loc).Format(v.layout + " UTC-07:00")
	}
	switch {
	case point != "" && when != "":
		return v.to + point + v.by + when + "."
	case point != "":
		return v.to + point + "."
	case when != "":
		return v.byAlone + when + "."
	}
	return ""
}
