package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// Some producers listen on every interface and have no flag to change it (Argo Rollouts' metrics
// and health servers). They run in a network namespace of their own whose only interface is
// loopback, so nothing outside this machine's test can reach what they listen on. They reach the
// API server through a relay: inside the namespace a listener on the API server's own address
// (127.0.0.1:PORT, so the kubeconfig works unchanged) forwards to a unix socket in the data dir,
// and the harness forwards that socket to the API server.

// serveUnixRelay forwards every connection to the unix socket to the TCP address.
func serveUnixRelay(socket, target string) error {
	_ = os.Remove(socket)
	l, err := net.Listen("unix", socket)
	if err != nil {
		return err
	}
	go relay(l, func() (net.Conn, error) { return net.Dial("tcp", target) })
	return nil
}

func relay(l net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				return
			}
			defer out.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
			go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
			<-done
		}()
	}
}

// netnsRunArgs are the arguments of the `netns-run` subcommand that runs program in a new network
// namespace (the harness starts it with CLONE_NEWNET).
func netnsRunArgs(socket, apiServer, analysisEndpoint string, program string, args []string) []string {
	return append([]string{"--socket=" + socket, "--listen=" + apiServer, "--analysis-endpoint=" + analysisEndpoint, "--", program}, args...)
}

// runNetns is the `netns-run` subcommand: it brings loopback up, relays the API server's address
// to the socket, serves the endpoint AnalysisRuns query, then runs the program until it exits.
func runNetns(args []string) error {
	fs := flag.NewFlagSet("netns-run", flag.ContinueOnError)
	socket := fs.String("socket", "", "unix socket the harness forwards to the API server")
	listen := fs.String("listen", "", "the API server's address, listened on inside the namespace")
	analysis := fs.String("analysis-endpoint", "", "address of a JSON health endpoint for Argo Rollouts' web metric provider")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("netns-run: no program given")
	}
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("netns-run: bringing lo up: %w", err)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	go relay(l, func() (net.Conn, error) { return net.Dial("unix", *socket) })
	if *analysis != "" {
		// What a service's health endpoint answers; the demo's AnalysisTemplate reads `status`.
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		})
		al, err := net.Listen("tcp", *analysis)
		if err != nil {
			return err
		}
		go func() { _ = http.Serve(al, mux) }()
	}
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	return cmd.Run()
}

// loopbackUp sets the IFF_UP flag of `lo`, which a new network namespace has down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
