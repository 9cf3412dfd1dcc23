package service

import (
	"context"
	"fmt"

	"github.com/nrmproject/nrm"
)

// CreateOrg adds an organisation (operator only: tenants are set up by
// whoever runs the instance).
func (s *Service) CreateOrg(ctx context.Context, in nrm.OrgInput) (nrm.Organisation, error) {
	if err := system(ctx); err != nil {
		return nrm.Organisation{}, err
	}
	o, err := in.Validate()
	if err != nil {
		return o, err
	}
	err = s.write(ctx, func(tx Tx) error {
		o.ID, o.CreatedAt, o.Version = nrm.NewID(), tx.Time(), 1
		if err := tx.InsertOrg(ctx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "org.create", "org/"+o.ID, outcomeOK, "kind "+string(o.Kind)))
	})
	return o, err
}

// Org returns an organisation. Any signed-in user may see the directory of
// organisations (names and kinds are not personal data): referrals need it.
func (s *Service) Org(ctx context.Context, id string) (nrm.Organisation, error) {
	if _, err := actor(ctx); err != nil {
		return nrm.Organisation{}, err
	}
	if !nrm.ValidID(id) {
		return nrm.Organisation{}, nrm.NotFound("organisation")
	}
	var o nrm.Organisation
	err := s.read(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Org(ctx, id)
		return err
	})
	return o, err
}

// Orgs lists every organisation.
func (s *Service) Orgs(ctx context.Context) ([]nrm.Organisation, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var out []nrm.Organisation
	err := s.read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Orgs(ctx)
		return err
	})
	return out, err
}

// UpdateOrg changes the name and country of the admin's own organisation.
// The kind is fixed: it decides what the organisation's staff may read.
func (s *Service) UpdateOrg(ctx context.Context, id string, version int64, in nrm.OrgInput) (nrm.Organisation, error) {
	a, err := s.allow(ctx, nrm.ActOrgManage)
	if err != nil {
		return nrm.Organisation{}, err
	}
	if id != a.OrgID {
		err := s.deny(ctx, a, nrm.ActOrgManage, "org/"+id, nrm.Forbidden("you may manage only your own organisation"))
		s.recordDenial(ctx, err)
		return nrm.Organisation{}, err
	}
	var o nrm.Organisation
	err = s.write(ctx, func(tx Tx) error {
		if o, err = tx.Org(ctx, id); err != nil {
			return err
		}
		in.Kind = string(o.Kind)
		v, err := in.Validate()
		if err != nil {
			return err
		}
		o.Name, o.Country, o.Version = v.Name, v.Country, version
		if err := tx.UpdateOrg(ctx, o); err != nil {
			return err
		}
		o.Version++
		return s.record(ctx, tx, s.entry(ctx, "org.update", "org/"+o.ID, outcomeOK, ""))
	})
	return o, err
}

// CreateUser adds a user: the operator for any organisation, an admin for
// their own. It returns the one-time password when password is "".
func (s *Service) CreateUser(ctx context.Context, in nrm.UserInput, password string) (nrm.User, string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nrm.User{}, "", err
	}
	if !a.System {
		if _, err := s.allow(ctx, nrm.ActUserManage); err != nil {
			return nrm.User{}, "", err
		}
		if in.OrgID != a.OrgID {
			err := s.deny(ctx, a, nrm.ActUserManage, "org/"+in.OrgID, nrm.Forbidden("you may add users only to your own organisation"))
			s.recordDenial(ctx, err)
			return nrm.User{}, "", err
		}
	}
	u, err := in.Validate()
	if err != nil {
		return u, "", err
	}
	if password == "" {
		password = GeneratePassword()
	} else if err := nrm.CheckPassword("password", password); err != nil {
		return u, "", err
	}
	hash := hashPassword(password)
	err = s.write(ctx, func(tx Tx) error {
		if _, err := tx.Org(ctx, u.OrgID); err != nil {
			if nrm.ErrorCode(err) == nrm.CodeNotFound {
				return nrm.Invalid("org", "no organisation with this id")
			}
			return err
		}
		u.ID, u.CreatedAt, u.Version = nrm.NewID(), tx.Time(), 1
		if err := tx.InsertUser(ctx, nrm.UserRecord{User: u, PasswordHash: hash}); err != nil {
			return err
		}
		return s.record(ctx, tx, s.entry(ctx, "user.create", "user/"+u.ID, outcomeOK, "role "+string(u.Role)+" in org/"+u.OrgID))
	})
	if err != nil {
		return nrm.User{}, "", err
	}
	return u, password, nil
}

// Users lists the users of the admin's own organisation.
func (s *Service) Users(ctx context.Context) ([]nrm.User, error) {
	a, err := s.allow(ctx, nrm.ActUserManage)
	if err != nil {
		return nil, err
	}
	var out []nrm.User
	err = s.read(ctx, func(tx Tx) error {
		out, err = tx.Users(ctx, a.OrgID)
		return err
	})
	return out, err
}

// UserUpdate is what an admin may change about a user.
type UserUpdate struct {
	Name     string
	Role     string
	Disabled bool
	Version  int64
}

// UpdateUser changes a user of the admin's own organisation. Disabling a
// user ends their sessions and tokens at once. An admin cannot disable or
// demote themselves, so an organisation never locks itself out.
func (s *Service) UpdateUser(ctx context.Context, id string, up UserUpdate) (nrm.User, error) {
	a, err := s.allow(ctx, nrm.ActUserManage)
	if err != nil {
		return nrm.User{}, err
	}
	var u nrm.UserRecord
	err = s.write(ctx, func(tx Tx) error {
		u, err = tx.User(ctx, id)
		if err != nil || u.OrgID != a.OrgID {
			if err == nil || nrm.ErrorCode(err) == nrm.CodeNotFound {
				return s.deny(ctx, a, nrm.ActUserManage, "user/"+id, nrm.NotFound("user"))
			}
			return err
		}
		v, err := nrm.UserInput{Email: u.Email, Name: up.Name, OrgID: u.OrgID, Role: up.Role}.Validate()
		if err != nil {
			return err
		}
		if id == a.UserID && (up.Disabled || v.Role != nrm.RoleAdmin) {
			return nrm.Invalid("role", "you cannot disable yourself or give up your own admin role")
		}
		u.Name, u.Role, u.Disabled, u.Version = v.Name, v.Role, up.Disabled, up.Version
		if err := tx.UpdateUser(ctx, u.User); err != nil {
			return err
		}
		u.Version++
		if u.Disabled {
			if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, s.entry(ctx, "user.update", "user/"+u.ID, outcomeOK,
			fmt.Sprintf("role %s, disabled %v", u.Role, u.Disabled)))
	})
	return u.User, err
}
