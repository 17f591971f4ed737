package notify_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/muster-force/muster/internal/nodetest"

	"github.com/muster-force/muster"
)

// pushService is a web push service process: testdata/push-service.js,
// which decrypts what it is sent with http_ece (npm web-push) and checks
// the VAPID header. It serves HTTPS with a certificate made for the test.
type pushService struct {
	URL    string
	Client *http.Client // trusts the service's certificate
}

// pushRecord is one push the service got.
type pushRecord struct {
	ID      string `json:"id"`
	Status  int    `json:"status"`
	Payload string `json:"payload"`
	TTL     string `json:"ttl"`
	Urgency string `json:"urgency"`
	Topic   string `json:"topic"`
	Error   string `json:"error"`
	Claims  struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	} `json:"claims"`
}

// startPushService starts the service on a free loopback port, stopped
// when the test ends. Without node or web-push (scripts/test-deps) it
// skips, unless MUSTER_REQUIRE_NODE=1. The service checks the VAPID
// expiry against now.
func startPushService(t *testing.T, now time.Time) *pushService {
	t.Helper()
	script, err := filepath.Abs("testdata/push-service.js")
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, pool := loopbackCert(t)
	p := nodetest.Start(t, "web push against a push service", []string{"http_ece"}, nil,
		script, certFile, keyFile, strconv.FormatInt(now.Unix(), 10))
	return &pushService{URL: "https://127.0.0.1:" + strconv.Itoa(p.Port),
		Client: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
}

// loopbackCert writes a self-signed certificate for 127.0.0.1 and its key
// as PEM files, and returns a pool that trusts it.
func loopbackCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "push-service"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// Subscribe makes a browser's subscription at the service.
func (p *pushService) Subscribe(t *testing.T) *muster.PushSubscription {
	t.Helper()
	var out struct {
		Endpoint string
		Keys     struct{ P256dh, Auth string }
	}
	p.call(t, "POST", "/subscriptions", nil, &out)
	dec := base64.RawURLEncoding
	key, err := dec.DecodeString(out.Keys.P256dh)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := dec.DecodeString(out.Keys.Auth)
	if err != nil {
		t.Fatal(err)
	}
	return &muster.PushSubscription{Endpoint: out.Endpoint, P256dh: key, Auth: auth}
}

// Script makes the service answer the next push to the subscription with
// status (and a Retry-After, when retryAfter is not "").
func (p *pushService) Script(t *testing.T, s *muster.PushSubscription, status int, retryAfter string) {
	t.Helper()
	id := filepath.Base(s.Endpoint)
	p.call(t, "POST", "/script/"+id, map[string]any{"status": status, "retry_after": retryAfter}, nil)
}

// Messages returns every push the service got, in order.
func (p *pushService) Messages(t *testing.T) []pushRecord {
	t.Helper()
	var list []pushRecord
	p.call(t, "GET", "/messages", nil, &list)
	return list
}

func (p *pushService) call(t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, p.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: %s %s", method, path, resp.Status, b)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}
