package web

import (
	"net/http"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/service"
)

type usersView struct {
	Users       []nrm.User
	Roles       []nrm.Role
	NewPassword string
	User        nrm.User
}

func (w *Web) usersPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	w.renderUsers(rw, r, s, http.StatusOK, view{}, "")
}

func (w *Web) renderUsers(rw http.ResponseWriter, r *http.Request, s service.SessionInfo, status int, v view, password string) {
	users, err := w.svc.Users(r.Context())
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	v.Data = usersView{Users: users, Roles: nrm.Roles, NewPassword: password}
	w.render(rw, r, s, status, "users", v)
}

func (w *Web) addUser(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	form := map[string]string{"email": r.PostFormValue("email"), "name": r.PostFormValue("name"), "role": r.PostFormValue("role")}
	var password string
	var err error
	if form["role"] == "" {
		// The form has no default role (least privilege is the admin's
		// choice, never a pre-selected admin): say so in words.
		err = nrm.Invalid("role", "choose the user's role")
	} else {
		_, password, err = w.svc.CreateUser(r.Context(), nrm.UserInput{Email: form["email"], Name: form["name"],
			OrgID: s.Actor.OrgID, Role: form["role"]}, "")
	}
	if err != nil {
		if v, ok := formError(err); ok {
			v.Form = form
			w.renderUsers(rw, r, s, http.StatusUnprocessableEntity, v, "")
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	w.renderUsers(rw, r, s, http.StatusOK, view{Flash: localizerFor(r).T("The user was added.")}, password)
}

func (w *Web) findUser(r *http.Request, id string) (nrm.User, error) {
	users, err := w.svc.Users(r.Context())
	if err != nil {
		return nrm.User{}, err
	}
	for _, u := range users {
		if u.ID == id {
			return u, nil
		}
	}
	return nrm.User{}, nrm.NotFound("user")
}

func (w *Web) userPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	u, err := w.findUser(r, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	form := map[string]string{"name": u.Name, "role": string(u.Role)}
	w.render(rw, r, s, http.StatusOK, "user", view{Form: form, Data: usersView{User: u, Roles: nrm.Roles}})
}

func (w *Web) updateUser(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	version, err := formVersion(r)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	up := service.UserUpdate{Name: r.PostFormValue("name"), Role: r.PostFormValue("role"),
		Disabled: r.PostFormValue("disabled") == "true", Version: version}
	if _, err := w.svc.UpdateUser(r.Context(), r.PathValue("id"), up); err != nil {
		if v, ok := formError(err); ok {
			u, ferr := w.findUser(r, r.PathValue("id"))
			if ferr != nil {
				w.fail(rw, r, s, ferr)
				return
			}
			v.Form = map[string]string{"name": up.Name, "role": up.Role}
			v.Data = usersView{User: u, Roles: nrm.Roles}
			w.render(rw, r, s, http.StatusUnprocessableEntity, "user", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	http.Redirect(rw, r, "/admin/users", http.StatusSeeOther)
}

type orgView struct{ Org nrm.Organisation }

func (w *Web) orgPage(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	if !nrm.Can(s.Actor, nrm.ActOrgManage, nrm.Access{}) {
		w.fail(rw, r, s, nrm.Forbidden("only an admin manages the organisation"))
		return
	}
	o, err := w.svc.Org(r.Context(), s.Actor.OrgID)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	form := map[string]string{"name": o.Name, "country": o.Country}
	w.render(rw, r, s, http.StatusOK, "org", view{Form: form, Data: orgView{Org: o}})
}

func (w *Web) updateOrg(rw http.ResponseWriter, r *http.Request, s service.SessionInfo) {
	version, err := formVersion(r)
	if err != nil {
		w.fail(rw, r, s, err)
		return
	}
	form := map[string]string{"name": r.PostFormValue("name"), "country": r.PostFormValue("country")}
	o, err := w.svc.UpdateOrg(r.Context(), s.Actor.OrgID, version, nrm.OrgInput{Name: form["name"], Country: form["country"]})
	if err != nil {
		if v, ok := formError(err); ok {
			cur, ferr := w.svc.Org(r.Context(), s.Actor.OrgID)
			if ferr != nil {
				w.fail(rw, r, s, ferr)
				return
			}
			v.Form, v.Data = form, orgView{Org: cur}
			w.render(rw, r, s, http.StatusUnprocessableEntity, "org", v)
			return
		}
		w.fail(rw, r, s, err)
		return
	}
	w.render(rw, r, s, http.StatusOK, "org", view{Flash: localizerFor(r).T("Saved."), Form: form, Data: orgView{Org: o}})
}
