package main

// Two more ways to authenticate to the API server, as clusters outside this harness offer them:
//   - X.509 client certificates signed by a client CA the API server trusts (--client-ca-file);
//   - OIDC ID tokens from an issuer configured through the API server's structured authentication
//     configuration (--authentication-config, apiserver.config.k8s.io/v1 AuthenticationConfiguration).
//     The issuer is a minimal OpenID provider served by this process on 127.0.0.1 over TLS: its
//     discovery document and JWKS, which the API server's JWT authenticator fetches and verifies
//     tokens against, exactly as it does for Dex, Keycloak or a cloud provider.
// Tests get credentials with `test-cluster client-cert` and `test-cluster oidc-token`.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// OIDCAudience is the audience (client id) the API server accepts in OIDC tokens.
const OIDCAudience = "test-cluster"

// oidcPrefix is put before OIDC usernames and groups, so they cannot pose as other users.
const oidcPrefix = "oidc:"

type identityFiles struct {
	clientCACert, clientCAKey string
	oidcKey                   string
	oidcServingCert           string
	oidcServingKey            string
	authenticationConfig      string
}

func identityFilesIn(pkiDir string) identityFiles {
	return identityFiles{
		clientCACert:         filepath.Join(pkiDir, "client-ca.crt"),
		clientCAKey:          filepath.Join(pkiDir, "client-ca.key"),
		oidcKey:              filepath.Join(pkiDir, "oidc-signing.key"),
		oidcServingCert:      filepath.Join(pkiDir, "oidc-serving.crt"),
		oidcServingKey:       filepath.Join(pkiDir, "oidc-serving.key"),
		authenticationConfig: filepath.Join(pkiDir, "authentication-config.yaml"),
	}
}

func oidcIssuerURL(p ports) string { return fmt.Sprintf("https://127.0.0.1:%d", p.OIDCIssuer) }

// ensureIdentities creates the client CA, the issuer's keys and the authentication configuration
// once per data directory.
func ensureIdentities(pkiDir string, p ports) (identityFiles, error) {
	f := identityFilesIn(pkiDir)
	if _, err := os.Stat(f.clientCACert); errors.Is(err, os.ErrNotExist) {
		if err := writeCA(f.clientCACert, f.clientCAKey, "test-cluster-client-ca"); err != nil {
			return f, err
		}
	}
	if _, err := os.Stat(f.oidcKey); errors.Is(err, os.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return f, err
		}
		if err := writeKey(f.oidcKey, key); err != nil {
			return f, err
		}
	}
	if _, err := os.Stat(f.oidcServingCert); errors.Is(err, os.ErrNotExist) {
		if err := writeServingCert(f.oidcServingCert, f.oidcServingKey); err != nil {
			return f, err
		}
	}
	servingPEM, err := os.ReadFile(f.oidcServingCert)
	if err != nil {
		return f, err
	}
	// JSON is YAML: the PEM is one quoted string.
	ca, _ := json.Marshal(string(servingPEM))
	config := fmt.Sprintf(`apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
  - issuer:
      url: %s
      audiences: [%s]
      certificateAuthority: %s
    claimMappings:
      username: { claim: sub, prefix: %q }
      groups: { claim: groups, prefix: %q }
`, oidcIssuerURL(p), OIDCAudience, ca, oidcPrefix, oidcPrefix)
	return f, os.WriteFile(f.authenticationConfig, []byte(config), 0o600)
}

func writeKey(file string, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}

func readKey(file string) (crypto.Signer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM key", file)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return key.(crypto.Signer), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

func writeCA(certFile, keyFile, name string) error {
	return writeSelfSigned(certFile, keyFile, &x509.Certificate{
		Subject:  pkix.Name{CommonName: name},
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	})
}

// writeServingCert writes a self-signed certificate for the issuer on 127.0.0.1.
func writeServingCert(certFile, keyFile string) error {
	return writeSelfSigned(certFile, keyFile, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "test-cluster-oidc-issuer"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
	})
}

// writeSelfSigned completes the template as a CA valid for ten years and writes it with a new key.
func writeSelfSigned(certFile, keyFile string, template *x509.Certificate) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template.SerialNumber = serial()
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(10 * 365 * 24 * time.Hour)
	template.BasicConstraintsValid = true
	template.IsCA = true
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return err
	}
	if err := writeKey(keyFile, key); err != nil {
		return err
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

// serveOIDCIssuer serves the issuer's discovery document and JWKS until the process ends.
func serveOIDCIssuer(f identityFiles, p ports) error {
	key, err := readKey(f.oidcKey)
	if err != nil {
		return err
	}
	pub, ok := key.Public().(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%s is not an RSA key", f.oidcKey)
	}
	issuer := oidcIssuerURL(p)
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{
			"issuer":                                issuer,
			"jwks_uri":                              issuer + "/keys",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "alg": "RS256", "use": "sig", "kid": keyID(pub),
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	})
	cert, err := tls.LoadX509KeyPair(f.oidcServingCert, f.oidcServingKey)
	if err != nil {
		return err
	}
	listener, err := tls.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p.OIDCIssuer), &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return fmt.Errorf("OIDC issuer: %w", err)
	}
	go func() { _ = http.Serve(listener, mux) }()
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func b64(data []byte) string { return base64.RawURLEncoding.EncodeToString(data) }

func keyID(pub *rsa.PublicKey) string {
	sum := sha256.Sum256(pub.N.Bytes())
	return b64(sum[:8])
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runClientCert prints a client certificate and key (PEM, as JSON) for a user and groups, signed
// by the data directory's client CA: `test-cluster client-cert --data-dir D --user U [--group G]…`.
func runClientCert(args []string) error {
	fs := flag.NewFlagSet("client-cert", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "the test cluster's data directory")
	user := fs.String("user", "", "the user name (certificate common name)")
	ttl := fs.Duration("ttl", time.Hour, "validity")
	var groups stringList
	fs.Var(&groups, "group", "a group (certificate organization; repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || *user == "" {
		return errors.New("--data-dir and --user are required")
	}
	f := identityFilesIn(filepath.Join(*dataDir, "pki"))
	caKey, err := readKey(f.clientCAKey)
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(f.clientCACert)
	if err != nil {
		return err
	}
	block, _ := pem.Decode(caPEM)
	if block == nil {
		return fmt.Errorf("%s holds no certificate", f.clientCACert)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: *user, Organization: groups},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(*ttl),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]string{
		"cert": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		"key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	})
}

// runOIDCToken prints an RS256 ID token of the data directory's issuer:
// `test-cluster oidc-token --data-dir D --subject S [--group G]… [--audience A] [--ttl 1h]`.
func runOIDCToken(args []string) error {
	fs := flag.NewFlagSet("oidc-token", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "the test cluster's data directory")
	subject := fs.String("subject", "", "the sub claim (the user name, after the oidc: prefix)")
	audience := fs.String("audience", OIDCAudience, "the aud claim")
	ttl := fs.Duration("ttl", time.Hour, "validity (negative: an expired token)")
	var groups stringList
	fs.Var(&groups, "group", "a groups claim entry (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || *subject == "" {
		return errors.New("--data-dir and --subject are required")
	}
	var p ports
	data, err := os.ReadFile(filepath.Join(*dataDir, "ports.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	key, err := readKey(identityFilesIn(filepath.Join(*dataDir, "pki")).oidcKey)
	if err != nil {
		return err
	}
	pub := key.Public().(*rsa.PublicKey)
	if groups == nil {
		groups = stringList{}
	}
	now := time.Now()
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": keyID(pub)})
	claims, _ := json.Marshal(map[string]any{
		"iss": oidcIssuerURL(p), "sub": *subject, "aud": *audience, "groups": []string(groups),
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(*ttl).Unix(),
	})
	signingInput := b64(header) + "." + b64(claims)
	digest := sha256.Sum256([]byte(signingInput))
	signature, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return err
	}
	fmt.Println(signingInput + "." + b64(signature))
	return nil
}
