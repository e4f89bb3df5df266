package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is up; it touches nothing else so a slow dependency never restarts the app.
func (a *App) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether the app can serve customers: the database is reachable and migrated, and Payway answers.
// It is public (load balancers probe it), so a failed check says only "unavailable"; what failed, with the
// upstream's URL and error, goes to the log.
func (a *App) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "payway": "ok"}
	status := http.StatusOK
	fail := func(check string, err error) {
		checks[check] = "unavailable"
		status = http.StatusServiceUnavailable
		a.log.WarnContext(ctx, "readiness check failed", "check", check, "err", err, "request_id", requestID(c))
	}
	if err := a.db.Check(ctx); err != nil {
		fail("database", err)
	}
	if err := a.payway.Ping(ctx); err != nil {
		fail("payway", err)
	}
	state := "ready"
	if status != http.StatusOK {
		state = "unavailable"
	}
	return c.JSON(status, map[string]any{"status": state, "checks": checks})
}
