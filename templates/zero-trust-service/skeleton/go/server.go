{%- if values.protocol == 'grpc' -%}
package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// newServer returns the gRPC server with the standard health service registered: kubelet's
// gRPC probes and the mesh ask it whether this instance takes calls. Register your own
// services on the returned server.
func newServer() (*grpc.Server, *health.Server) {
	srv := grpc.NewServer()
	healthSrv := health.NewServer() // reports SERVING for the whole server ("")
	healthpb.RegisterHealthServer(srv, healthSrv)
	// Register your services here, e.g. pb.RegisterCartServiceServer(srv, &cartService{}).
	return srv, healthSrv
}

// serve answers calls on lis until ctx is done, then drains: health turns NOT_SERVING so no
// new calls are routed here, in-flight calls get shutdownTimeout to finish, and whatever is
// left is cut off.
func serve(ctx context.Context, lis net.Listener, shutdownTimeout time.Duration, logger *slog.Logger) error {
	srv, healthSrv := newServer()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	healthSrv.Shutdown()
	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(shutdownTimeout):
		logger.Warn("graceful shutdown timed out, closing the remaining connections")
		srv.Stop()
		<-stopped
	}
	// Serve returns nil once GracefulStop or Stop was called.
	return <-served
}
{%- else -%}
package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// newHandler serves the health endpoint kubelet's HTTP probes call. Add your own routes to
// the mux.
func newHandler(ready *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"NOT_SERVING"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"SERVING"}`))
	})
	// Add your routes here, e.g. mux.HandleFunc("GET /api/cart", cartHandler).
	return mux
}

// serve answers requests on lis until ctx is done, then drains: /healthz turns 503 so no new
// requests are routed here, in-flight requests get shutdownTimeout to finish, and whatever is
// left is cut off.
func serve(ctx context.Context, lis net.Listener, shutdownTimeout time.Duration, logger *slog.Logger) error {
	var ready atomic.Bool
	ready.Store(true)
	srv := &http.Server{
		Handler:           newHandler(&ready),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	ready.Store(false)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("graceful shutdown timed out, closing the remaining connections")
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
{%- endif %}
