package web

import (
	"net/http"

	"github.com/muster-force/muster/internal/paper"
)

// routes is muster's one route table.
func (s *Server) routes(mux *http.ServeMux) {
	api := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.apiAuth(h)) }
	page := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.csrf(s.pageAuth(h))) }
	open := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.csrf(h)) }

	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)

	api("GET /api/v1/units", s.apiListUnits)
	api("POST /api/v1/units", s.apiCreateUnit)
	api("POST /api/v1/units/import", s.apiImportUnits)
	api("GET /api/v1/units/{code}", s.apiGetUnit)
	api("PATCH /api/v1/units/{code}", s.apiUpdateUnit)
	api("GET /api/v1/units/{code}/strength", s.apiUnitStrength)

	api("GET /api/v1/members", s.apiListMembers)
	api("POST /api/v1/members", s.apiCreateMember)
	api("POST /api/v1/members/import", s.apiImportMembers)
	api("GET /api/v1/members/export", s.apiExportMembers)
	api("GET /api/v1/members/{service_number}", s.apiGetMember)
	api("PATCH /api/v1/members/{service_number}", s.apiUpdateMember)
	api("GET /api/v1/members/{service_number}/history", s.apiMemberHistory)

	api("GET /api/v1/qualifications", s.apiListQualifications)
	api("PUT /api/v1/qualifications/{code}", s.apiSaveQualification)
	api("GET /api/v1/audit", s.apiListAudit)
	api("GET /api/v1/tokens", s.apiListTokens)
	api("POST /api/v1/tokens", s.apiCreateToken)
	api("DELETE /api/v1/tokens/{id}", s.apiRevokeToken)
	api("GET /api/v1/users", s.apiListUsers)
	api("POST /api/v1/users", s.apiCreateUser)
	api("GET /api/v1/callups", s.apiListCallUps)
	api("POST /api/v1/callups", s.apiCreateCallUp)
	api("GET /api/v1/callups/{id}", s.apiGetCallUp)
	api("GET /api/v1/callups/{id}/readiness", s.apiCallUpReadiness)
	api("GET /api/v1/callups/{id}/notices", s.apiCallUpNotices)
	api("GET /api/v1/callups/{id}/stream", s.apiCallUpStream)
	api("GET /api/v1/callups/{id}/cap", s.apiCallUpCAP)
	api("POST /api/v1/callups/{id}/checkins", s.apiCallUpCheckIn)
	api("GET /api/v1/exercises", s.apiListExercises)
	api("POST /api/v1/exercises", s.apiCreateExercise)
	api("GET /api/v1/exercises/{id}", s.apiGetExercise)
	api("PUT /api/v1/exercises/{id}", s.apiUpdateExercise)
	api("DELETE /api/v1/exercises/{id}", s.apiDeleteExercise)
	api("GET /api/v1/exercises/{id}/participants", s.apiExerciseParticipants)
	api("POST /api/v1/exercises/{id}/participants", s.apiAddParticipants)
	api("POST /api/v1/exercises/{id}/callup", s.apiSummon)
	api("GET /api/v1/exercises/{id}/attendance", s.apiAttendance)
	api("POST /api/v1/exercises/{id}/attendance", s.apiMarkAttendance)
	api("GET /api/v1/exercises/{id}/attendance/{date}", s.apiAttendanceDay)
	api("GET /api/v1/units/{code}/calendar.ics", s.apiUnitCalendar)
	api("GET /api/v1/calendar-feeds", s.apiListCalendarFeeds)
	api("POST /api/v1/calendar-feeds", s.apiCreateCalendarFeed)
	api("DELETE /api/v1/calendar-feeds/{id}", s.apiRevokeCalendarFeed)
	mux.Handle("/api/", s.apiAuth(s.apiNotFound))

	mux.Handle("GET /static/", staticFiles())
	mux.HandleFunc("GET "+paper.StyleURL, servePrintCSS)
	open("GET /login", s.pageLogin)
	open("POST /login", s.pageLoginSubmit)
	page("POST /logout", s.pageLogout)
	page("GET /{$}", s.pageDashboard)
	page("GET /units", s.pageUnits)
	page("GET /units/{code}", s.pageUnit)
	page("GET /members", s.pageMembers)
	page("GET /members/{service_number}", s.pageMember)
	page("GET /members/{service_number}/edit", s.pageMemberEdit)
	page("POST /members/{service_number}", s.pageMemberSave)
	page("GET /import", s.pageImport)
	page("POST /import", s.pageImportSubmit)
	page("GET /export", s.pageExport)
	page("GET /callups", s.pageCallUps)
	page("GET /callups/new", s.pageCallUpNew)
	page("POST /callups", s.pageCallUpCreate)
	page("GET /callups/{id}", s.pageCallUp)
	page("GET /callups/{id}/kiosk", s.pageCallUpKiosk)
	page("GET /callups/{id}/notices/print", s.pageCallUpPrint)
	page("POST /callups/{id}/checkins", s.pageCallUpCheckIn)
	// The SMS gateway's webhooks: server to server, with the gateway's key.
	mux.HandleFunc("POST /sms/receipt", s.smsReceipt)
	mux.HandleFunc("POST /sms/inbound", s.smsInboundReply)
	// Calendar feeds at secret addresses, for apps that cannot sign in.
	mux.HandleFunc("GET "+calendarPath+"{file}", s.calendarFeed)
	open("GET /r/{token}", s.answerPage)
	open("POST /r/{token}", s.answerSubmit)
	page("GET /account", s.pageAccount)
	page("POST /account/totp", s.pageAccountTOTP)
	page("/", s.pageNotFound)
}
