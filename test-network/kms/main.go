// Command local-kms-loopback serves the KMS API of local-kms (github.com/nsmithuk/local-kms) on
// one address only. local-kms's own server always listens on every interface; this program keeps
// its key storage and request handlers and puts them behind a listener bound where KMS_LISTEN says
// (127.0.0.1:<port> for the test network), so the keys it holds are not reachable from the LAN.
//
// Environment: KMS_LISTEN (127.0.0.1:8080), KMS_ACCOUNT_ID (111122223333), KMS_REGION (eu-west-2),
// KMS_DATA_PATH (/tmp/local-kms).
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/nsmithuk/local-kms/src/config"
	"github.com/nsmithuk/local-kms/src/data"
	"github.com/nsmithuk/local-kms/src/handler"
	log "github.com/sirupsen/logrus"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	logger := log.New()
	listen := env("KMS_LISTEN", "127.0.0.1:8080")
	config.AWSAccountId = env("KMS_ACCOUNT_ID", "111122223333")
	config.AWSRegion = env("KMS_REGION", "eu-west-2")
	path, err := filepath.Abs(env("KMS_DATA_PATH", "/tmp/local-kms"))
	if err != nil {
		logger.Fatalf("KMS_DATA_PATH: %v", err)
	}
	config.DatabasePath = path
	db := data.NewDatabase(path)
	defer db.Close()

	server := &http.Server{
		Addr:              listen,
		ReadHeaderTimeout: 10 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			serve(w, r, logger, db)
		}),
	}
	logger.Infof("KMS API on %s, keys stored in %s", listen, path)
	logger.Fatal(server.ListenAndServe())
}

// serve dispatches one call by its X-Amz-Target operation ("TrentService.Sign" -> Sign) to the
// request handler method of the same name, the way the KMS JSON protocol names operations.
func serve(w http.ResponseWriter, r *http.Request, logger *log.Logger, db *data.Database) {
	if r.URL.Path != "/" || r.Method != http.MethodPost {
		http.Error(w, "the KMS API takes POST /", http.StatusMethodNotAllowed)
		return
	}
	if !strings.Contains(r.Header.Get("Content-Type"), "json") {
		http.Error(w, "the KMS API takes JSON bodies", http.StatusUnsupportedMediaType)
		return
	}
	target := r.Header.Get("X-Amz-Target")
	operation := target[strings.LastIndex(target, ".")+1:]
	method := reflect.ValueOf(handler.NewRequestHandler(r, logger, db)).MethodByName(operation)
	if operation == "" || !method.IsValid() || method.Type().NumIn() != 0 || method.Type().NumOut() != 1 {
		http.Error(w, fmt.Sprintf("operation %q is not implemented", target), http.StatusNotImplemented)
		return
	}
	response, ok := method.Call(nil)[0].Interface().(handler.Response)
	if !ok {
		http.Error(w, fmt.Sprintf("operation %q gave no response", target), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(response.Code)
	_, _ = io.WriteString(w, response.Body)
}
