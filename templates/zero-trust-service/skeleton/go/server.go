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

// readinessService is the service name kubelet's readiness probe asks Health/Check about (the
// ServiceSpec's grpcReadinessService). The liveness probe asks about the whole server (""), so
// an instance that cannot take calls for a while (a dependency down) sets readinessService
// NOT_SERVING and leaves the Service's endpoints, without being restarted.
const readinessService = "readiness"

// newServer returns the gRPC server with the standard health service registered: kubelet's
// gRPC probes and the mesh ask it whether this instance is alive and takes calls. Register
// your own services on the returned server.
func newServer() (*grpc.Server, *health.Server) {
	srv := grpc.NewServer()
	healthSrv := health.NewServer() // reports SERVING for the whole server ("")
	healthSrv.SetServingStatus(readinessService, healthpb.HealthCheckResponse_SERVING)
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

// newHandler serves the endpoints kubelet's HTTP probes call: /healthz (liveness: the process
// answers; failing it restarts the container) and /readyz (readiness: this instance takes
// requests; failing it only takes the pod out of the Service, e.g. while draining or while a
// dependency is down). Add your own routes to the mux.
func newHandler(ready *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"SERVING"}`))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
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

// serve answers requests on lis until ctx is done, then drains: /readyz turns 503 so no new
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
