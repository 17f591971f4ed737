package demo

import "github.com/muster-force/muster"

// StaffUser is a staff account of the demo with its password.
type StaffUser struct {
	muster.User
	Password string
}

// Password returns the demo password of a login: "muster-demo-" followed
// by the login, e.g. "muster-demo-admin". The demo force is public data;
// these accounts must not be kept on a real installation.
func Password(login string) string { return "muster-demo-" + login }

// Staff returns the demo's staff accounts, each with Password(login):
//
//	admin        admin      TD           the national command
//	gomel        commander  GOM          Gomel region
//	mozyr        clerk      GOM-MOZ      Мозырский район
//	mozyr-armory armorer    GOM-MOZ-1    1st battalion, Мозырский район
//	viewer       viewer     TD           read only, the whole force
func Staff() []StaffUser {
	users := []muster.User{
		{Login: "admin", Name: "Администратор демо", Role: muster.RoleAdmin, Unit: RootCode},
		{Login: "gomel", Name: "Ковалёв Андрей Николаевич", Role: muster.RoleCommander, Unit: "GOM"},
		{Login: "mozyr", Name: "Шевчук Ирина Петровна", Role: muster.RoleClerk, Unit: "GOM-MOZ"},
		{Login: "mozyr-armory", Name: "Лукашевич Сергей Викторович", Role: muster.RoleArmorer, Unit: "GOM-MOZ-1"},
		{Login: "viewer", Name: "Наблюдатель демо", Role: muster.RoleViewer, Unit: RootCode},
	}
	staff := make([]StaffUser, len(users))
	for i, u := range users {
		staff[i] = StaffUser{User: u, Password: Password(u.Login)}
	}
	return staff
}
