package e2e

// An admin switches authenticator-app codes off for their organisation
// once its staff have passkeys: codes (and recovery codes) are then
// refused, for sign-in and for setting up a new app; switched on again,
// they work as before.

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/internal/testapp"
	"github.com/nrmproject/nrm/service"
	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

func TestTOTPFallbackSwitch(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		a := testapp.New(t, engine)
		ctx := context.Background()
		org := a.MustOrg(t, nrm.KindNGO)
		admin := a.MustUser(t, org, nrm.RoleAdmin)
		worker := a.MustUser(t, org, nrm.RoleCaseWorker)
		const addr = "192.0.2.10"
		code := func(secret string) string {
			c, err := totp.GenerateCodeCustom(secret, a.Clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// The worker sets up an app while codes are allowed.
		s, err := a.Svc.SignIn(ctx, worker.Email, worker.Password, addr)
		if err != nil || s.Stage != service.StageEnrol {
			t.Fatalf("sign-in: %+v, %v", s, err)
		}
		e, err := a.Svc.BeginEnrolment(ctx, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		_, recovery, err := a.Svc.ConfirmEnrolment(ctx, s.Token, code(e.Secret))
		if err != nil {
			t.Fatal(err)
		}
		passwordStage := func(t *testing.T) string {
			t.Helper()
			a.Clock.Advance(61 * time.Second) // a fresh code step
			s, err := a.Svc.SignIn(ctx, worker.Email, worker.Password, addr)
			if err != nil || s.Stage != service.StagePassword {
				t.Fatalf("sign-in: %+v, %v", s, err)
			}
			return s.Token
		}
		t.Run("codes_are_a_fallback_by_default", func(t *testing.T) {
			if _, err := a.Svc.CompleteSignIn(ctx, passwordStage(t), code(e.Secret), addr); err != nil {
				t.Errorf("code refused: %v", err)
			}
		})
		st, err := a.Svc.SigninSettings(testapp.As(admin.Actor))
		if err != nil || !st.TOTPAllowed {
			t.Fatalf("default settings %+v, %v", st, err)
		}
		t.Run("only_the_admin_switches", func(t *testing.T) {
			if _, err := a.Svc.SetTOTPAllowed(testapp.As(worker.Actor), false, st.Version); nrm.ErrorCode(err) != nrm.CodeForbidden {
				t.Errorf("a case worker: %v, want forbidden", err)
			}
			if st, _ := a.Svc.SigninSettings(testapp.As(admin.Actor)); !st.TOTPAllowed {
				t.Error("the refused switch changed the setting")
			}
		})
		t.Run("admin_switches_codes_off", func(t *testing.T) {
			if st, err = a.Svc.SetTOTPAllowed(testapp.As(admin.Actor), false, st.Version); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.SetTOTPAllowed(testapp.As(admin.Actor), true, st.Version-1); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("a stale version: %v, want a conflict", err)
			}
		})
		t.Run("a_right_code_is_refused", func(t *testing.T) {
			if _, err := a.Svc.CompleteSignIn(ctx, passwordStage(t), code(e.Secret), addr); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("code with codes off: %v, want a conflict", err)
			}
		})
		t.Run("a_recovery_code_is_refused_and_stays_unused", func(t *testing.T) {
			if _, err := a.Svc.CompleteSignIn(ctx, passwordStage(t), recovery[0], addr); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("recovery code with codes off: %v, want a conflict", err)
			}
		})
		t.Run("a_new_user_cannot_set_up_an_app", func(t *testing.T) {
			nu := a.MustUser(t, org, nrm.RoleCaseWorker)
			s, err := a.Svc.SignIn(ctx, nu.Email, nu.Password, addr)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.BeginEnrolment(ctx, s.Token); nrm.ErrorCode(err) != nrm.CodeConflict {
				t.Errorf("app set-up with codes off: %v, want a conflict", err)
			}
		})
		t.Run("another_organisation_keeps_its_codes", func(t *testing.T) {
			other := a.MustUser(t, a.MustOrg(t, nrm.KindNGO), nrm.RoleCaseWorker)
			s, _ := a.Svc.SignIn(ctx, other.Email, other.Password, addr)
			if _, err := a.Svc.BeginEnrolment(ctx, s.Token); err != nil {
				t.Errorf("another organisation's app set-up: %v", err)
			}
		})
		t.Run("switched_on_again_codes_work", func(t *testing.T) {
			if _, err := a.Svc.SetTOTPAllowed(testapp.As(admin.Actor), true, st.Version); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Svc.CompleteSignIn(ctx, passwordStage(t), recovery[0], addr); err != nil {
				t.Errorf("the recovery code kept while codes were off: %v", err)
			}
		})
	})
}
