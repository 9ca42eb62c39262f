package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// ports are chosen once per data directory and kept, so a restarted server answers at the same
// address and etcd finds its member where it left it.
type ports struct {
	APIServer  int `json:"apiServer"`
	EtcdClient int `json:"etcdClient"`
	EtcdPeer   int `json:"etcdPeer"`
	// Kyverno's admission webhook and the metrics servers its controllers always start.
	KyvernoWebhook        int `json:"kyvernoWebhook"`
	KyvernoMetrics        int `json:"kyvernoMetrics"`
	KyvernoReportsMetrics int `json:"kyvernoReportsMetrics"`
	// The OIDC issuer the API server trusts (identities.go).
	OIDCIssuer int `json:"oidcIssuer"`
}

func (p ports) etcdClientURL() string { return fmt.Sprintf("http://127.0.0.1:%d", p.EtcdClient) }
func (p ports) etcdPeerURL() string   { return fmt.Sprintf("http://127.0.0.1:%d", p.EtcdPeer) }

func loadOrAllocatePorts(dataDir string, apiServerPort int) (ports, error) {
	file := filepath.Join(dataDir, "ports.json")
	var p ports
	if data, err := os.ReadFile(file); err == nil {
		if err := json.Unmarshal(data, &p); err != nil {
			return p, fmt.Errorf("reading %s: %w", file, err)
		}
		if apiServerPort != 0 && apiServerPort != p.APIServer {
			return p, fmt.Errorf("data dir %s belongs to a server on port %d, not %d", dataDir, p.APIServer, apiServerPort)
		}
		if p.KyvernoWebhook != 0 && p.OIDCIssuer != 0 {
			return p, nil
		}
		// A data dir from an older harness: allocate the new ports and keep the others.
	} else if !errors.Is(err, os.ErrNotExist) {
		return p, err
	}
	var err error
	if p.APIServer == 0 {
		p.APIServer = apiServerPort
	}
	for _, port := range []*int{&p.APIServer, &p.EtcdClient, &p.EtcdPeer, &p.KyvernoWebhook, &p.KyvernoMetrics, &p.KyvernoReportsMetrics, &p.OIDCIssuer} {
		if *port == 0 {
			if *port, err = freePort(); err != nil {
				return p, err
			}
		}
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return p, err
	}
	data, _ := json.Marshal(p)
	return p, os.WriteFile(file, data, 0o600)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
