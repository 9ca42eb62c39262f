// Command oci-fixture serves a local OCI registry on 127.0.0.1 holding two tiny images: one
// signed with cosign and attested with a CycloneDX SBOM and an SLSA provenance, one neither. The
// integration test plugins/zero-trust-backend/src/integration/imageProvenance.test.ts has the
// real Kyverno verify them at admission.
//
// The registry is go-containerregistry's pkg/registry, an in-memory implementation of the OCI
// distribution API: cosign depends on go-containerregistry already, so it adds nothing to the
// build, where the distribution registry's module would add its storage drivers and their
// dependencies. Signing follows `cosign sign --key` and `cosign attest --key` in their classic
// format (cosign v3.1.2 cmd/cosign/cli/sign/sign.go and cmd/cosign/cli/attest/attest.go): a
// simple-signing payload signed with the key, stored in the `sha256-<hex>.sig` tag, and in-toto
// statements in DSSE envelopes stored in the `sha256-<hex>.att` tag, nothing uploaded to a
// transparency log (Kyverno's policy then sets `rekor.ignoreTlog` and `ctlog.ignoreSCT`).
//
// The key pair is generated per run and never written to disk. When everything is pushed, one
// JSON line on stdout gives the registry address, the images and the public key; the registry
// then serves until stdin closes or the process gets SIGTERM/SIGINT.
//
// Usage: oci-fixture --source-repo https://github.com/example/ledger
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/sigstore/cosign/v3/pkg/cosign/attestation"
	"github.com/sigstore/cosign/v3/pkg/oci/mutate"
	ociremote "github.com/sigstore/cosign/v3/pkg/oci/remote"
	"github.com/sigstore/cosign/v3/pkg/oci/static"
	"github.com/sigstore/cosign/v3/pkg/types"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/dsse"
	sigpayload "github.com/sigstore/sigstore/pkg/signature/payload"
)

// image is one pushed image, as the JSON line reports it.
type image struct {
	// Ref is registry/repository:tag; Digest the manifest digest (sha256:…).
	Ref    string `json:"ref"`
	Digest string `json:"digest"`
	// Attestations are the predicate types attested for the image.
	Attestations []string `json:"attestations"`
	Signed       bool     `json:"signed"`
}

type ready struct {
	Registry  string `json:"registry"`
	PublicKey string `json:"publicKey"`
	Signed    image  `json:"signed"`
	Unsigned  image  `json:"unsigned"`
}

func main() {
	sourceRepo := flag.String("source-repo", "https://github.com/example/ledger", "the source repository the SLSA provenance names")
	flag.Parse()
	log.SetOutput(os.Stderr)

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	server := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0))), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
			log.Fatalf("registry: %v", err)
		}
	}()
	host := listener.Addr().String()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatalf("key: %v", err)
	}
	signer, err := signature.LoadECDSASignerVerifier(key, crypto.SHA256)
	if err != nil {
		log.Fatalf("signer: %v", err)
	}
	publicKey, err := cryptoutils.MarshalPublicKeyToPEM(&key.PublicKey)
	if err != nil {
		log.Fatalf("public key: %v", err)
	}

	signed, err := push(host + "/zt/ledger:v1")
	if err != nil {
		log.Fatalf("push signed image: %v", err)
	}
	if err := sign(signed, signer); err != nil {
		log.Fatalf("sign: %v", err)
	}
	sbom := fmt.Sprintf(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"metadata":{"component":{"type":"container","name":%q}},"components":[]}`, signed.Repository.String())
	// The SLSA v0.2 predicate as the slsa-github-generator's container workflow writes it:
	// the builder, the build type and the source (configSource) the workflow ran from.
	provenance := fmt.Sprintf(`{
  "builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.1.0"},
  "buildType": "https://github.com/slsa-framework/slsa-github-generator/container@v1",
  "invocation": {"configSource": {"uri": "git+%s@refs/heads/main", "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"}, "entryPoint": ".github/workflows/ci.yaml"}},
  "materials": [{"uri": "git+%s@refs/heads/main", "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"}}]
}`, *sourceRepo, *sourceRepo)
	attested := []string{}
	for _, a := range []struct{ kind, predicate string }{{"cyclonedx", sbom}, {"slsaprovenance", provenance}} {
		predicateType, err := attest(signed, signer, a.kind, a.predicate)
		if err != nil {
			log.Fatalf("attest %s: %v", a.kind, err)
		}
		attested = append(attested, predicateType)
	}

	unsigned, err := push(host + "/zt/unsigned:v1")
	if err != nil {
		log.Fatalf("push unsigned image: %v", err)
	}

	line, _ := json.Marshal(ready{
		Registry:  host,
		PublicKey: string(publicKey),
		Signed:    image{Ref: host + "/zt/ledger:v1", Digest: signed.DigestStr(), Attestations: attested, Signed: true},
		Unsigned:  image{Ref: host + "/zt/unsigned:v1", Digest: unsigned.DigestStr(), Attestations: []string{}},
	})
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stop:
	case <-stdinClosed:
	}
	_ = server.Close()
}

// push writes a random one-layer image under a tag and returns it by digest.
func push(ref string) (name.Digest, error) {
	tag, err := name.NewTag(ref)
	if err != nil {
		return name.Digest{}, err
	}
	img, err := random.Image(512, 1)
	if err != nil {
		return name.Digest{}, err
	}
	if err := remote.Write(tag, img); err != nil {
		return name.Digest{}, err
	}
	h, err := img.Digest()
	if err != nil {
		return name.Digest{}, err
	}
	return tag.Context().Digest(h.String()), nil
}

// sign stores a signature of the image as `cosign sign --key --tlog-upload=false` does.
func sign(digest name.Digest, signer signature.Signer) error {
	payload, err := (&sigpayload.Cosign{Image: digest}).MarshalJSON()
	if err != nil {
		return err
	}
	raw, err := signer.SignMessage(bytes.NewReader(payload))
	if err != nil {
		return err
	}
	sig, err := static.NewSignature(payload, base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		return err
	}
	entity, err := mutate.AttachSignatureToEntity(ociremote.SignedUnknown(digest), sig)
	if err != nil {
		return err
	}
	return ociremote.WriteSignatures(digest.Repository, entity)
}

// attest stores an in-toto statement about the image in a DSSE envelope, as
// `cosign attest --key --type <kind> --tlog-upload=false` does, and returns its predicate type.
func attest(digest name.Digest, signer signature.Signer, kind, predicate string) (string, error) {
	h, err := v1.NewHash(digest.DigestStr())
	if err != nil {
		return "", err
	}
	statement, err := attestation.GenerateStatement(attestation.GenerateOpts{
		Predicate: bytes.NewReader([]byte(predicate)),
		Type:      kind,
		Digest:    h.Hex,
		Repo:      digest.Repository.String(),
	})
	if err != nil {
		return "", err
	}
	payload, err := statement.MarshalJSON()
	if err != nil {
		return "", err
	}
	envelope, err := dsse.WrapSigner(signer, types.IntotoPayloadType).SignMessage(bytes.NewReader(payload))
	if err != nil {
		return "", err
	}
	predicateType := statement.PredicateType
	att, err := static.NewAttestation(envelope,
		static.WithLayerMediaType(types.DssePayloadType),
		static.WithAnnotations(map[string]string{"predicateType": predicateType}),
	)
	if err != nil {
		return "", err
	}
	entity, err := mutate.AttachAttestationToEntity(ociremote.SignedUnknown(digest), att)
	if err != nil {
		return "", err
	}
	return predicateType, ociremote.WriteAttestations(digest.Repository, entity)
}
