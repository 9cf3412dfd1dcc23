package main

import (
	"archive/tar"
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/sqlstore"
)

// maxManifest bounds what is read of a manifest.
const maxManifest = 64 << 10

func cmdRestore(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var c common
	var sf secretFlags
	fs := newFlags("restore", &c)
	from := fs.String("from", "", "the backup's data file")
	keysFile := fs.String("keys", "", "the backup's key bundle")
	fs.BoolVar(&sf.passphraseStdin, "passphrase-stdin", false, "the passphrase, on standard input")
	fs.StringVar(&sf.identity, "identity", "", "an age identity file (AGE-SECRET-KEY-...)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "from", "keys"); err != nil {
		return err
	}
	dataGiven := os.Getenv("NRM_DATA") != ""
	fs.Visit(func(f *flag.Flag) { dataGiven = dataGiven || f.Name == "data" })
	if !dataGiven {
		return usagef("restore: --data is required: the new data directory to restore into")
	}
	ids, err := sf.identities(stdin, "restore")
	if err != nil {
		return err
	}
	// A new data directory: restoring over a live one would mix two instances.
	created, err := newDataDir(c.data)
	if err != nil {
		return err
	}
	id, res, master, err := restoreInto(ctx, c, *from, *keysFile, ids)
	if err != nil {
		// Nothing left behind: not the files, not the half-restored database.
		if created {
			os.RemoveAll(c.data)
		} else {
			emptyDir(c.data)
		}
		return err
	}
	fmt.Fprintf(stdout, "restored backup %s into %s\n", id, c.data)
	if c.db != "" {
		fmt.Fprintln(stdout, "database: the one given by --db (restored from pg_dump by the operator)")
	}
	if master {
		fmt.Fprintf(stdout, "the key-encryption key was kept in NRM_MASTER_KEY_FILE: it is now %s; move it back there\n",
			filepath.Join(c.data, "keys", keyring.KEKFile))
	}
	fmt.Fprintf(stdout, "ok %d entries root %s\n", res.size, res.root)
	return nil
}

type verified struct {
	size uint64
	root string
}

func restoreInto(ctx context.Context, c common, from, keysFile string, ids []age.Identity) (string, verified, bool, error) {
	var v verified
	keysM, err := extractArchive(keysFile, ids, c.data, partKeys, func(name string) (string, bool) {
		rest, ok := strings.CutPrefix(name, "keys/")
		return filepath.Join("keys", rest), ok && filepath.IsLocal(rest) && !strings.Contains(rest, "/")
	})
	if err != nil {
		return "", v, false, err
	}
	dataM, err := extractArchive(from, ids, c.data, partData, func(name string) (string, bool) {
		if name == snapshotName {
			return snapshotName, true
		}
		rest, ok := strings.CutPrefix(name, "files/")
		return filepath.FromSlash(rest), ok && filepath.IsLocal(rest) && !strings.HasPrefix(rest, "keys/") && rest != snapshotName
	})
	if err != nil {
		return "", v, false, err
	}
	if keysM.ID != dataM.ID {
		return "", v, false, fmt.Errorf("restore: the key bundle is of backup %s, the data file of backup %s: give the two files of one backup", keysM.ID, dataM.ID)
	}
	for _, name := range []string{keyring.KEKFile, keyring.IndexFile, keyring.AuditFile, keyring.SigningFile} {
		if _, err := os.Stat(filepath.Join(c.data, "keys", name)); err != nil {
			return "", v, false, fmt.Errorf("restore: the key bundle lacks keys/%s", name)
		}
	}
	_, statErr := os.Stat(filepath.Join(c.data, snapshotName))
	switch {
	case dataM.Engine == string(sqlstore.SQLite) && c.db != "":
		return "", v, false, usagef("restore: this backup holds its SQLite database; restore it without --db")
	case dataM.Engine == string(sqlstore.SQLite) && statErr != nil:
		return "", v, false, errors.New("restore: the data file holds no database")
	case dataM.Engine == string(sqlstore.Postgres) && c.db == "":
		return "", v, false, usagef("restore: this backup was taken on PostgreSQL and holds no database: restore the pg_dump taken with it into an empty database, then give that database with --db")
	case dataM.Engine != string(sqlstore.SQLite) && dataM.Engine != string(sqlstore.Postgres):
		return "", v, false, fmt.Errorf("restore: unknown database engine %q in the backup", dataM.Engine)
	}
	// The restored keys, never the operator's NRM_MASTER_KEY_FILE.
	c.ignoreMasterKeyFile = true
	err = withApp(ctx, c, func(a *app) error {
		if created := a.keys.Created(); len(created) > 0 {
			return fmt.Errorf("restore: key files missing from the bundle: %v", created)
		}
		if err := a.keysUsable(); err != nil {
			return fmt.Errorf("restore: the restored keys do not work: %w", err)
		}
		res, err := a.svc.VerifyAudit(systemCtx(ctx), nil)
		if err != nil {
			return fmt.Errorf("restore: refusing backup %s: its audit log does not verify against its signed checkpoint: %w", dataM.ID, err)
		}
		v = verified{size: res.Size, root: hex.EncodeToString(res.Root)}
		return a.svc.RecordRestore(systemCtx(ctx), dataM.ID, res.Size)
	})
	return dataM.ID, v, keysM.MasterKeyFile, err
}

// extractArchive decrypts an archive of the wanted part into dir; place maps
// an archive name to a path below dir, or refuses it.
func extractArchive(path string, ids []age.Identity, dir, part string, place func(string) (string, bool)) (backupManifest, error) {
	var m backupManifest
	f, err := os.Open(path)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	dec, err := age.Decrypt(bufio.NewReaderSize(f, 1<<20), ids...)
	if err != nil {
		return m, fmt.Errorf("restore: %s: cannot decrypt it with the passphrase or identity given: %w", path, err)
	}
	tr := tar.NewReader(dec)
	h, err := tr.Next()
	if err != nil || h.Name != manifestName {
		return m, fmt.Errorf("restore: %s is not an nrm backup file", path)
	}
	if err := json.NewDecoder(io.LimitReader(tr, maxManifest)).Decode(&m); err != nil || m.Format != backupFormat {
		return m, fmt.Errorf("restore: %s is not an nrm backup file (%s)", path, backupFormat)
	}
	if m.Part != part {
		return m, fmt.Errorf("restore: %s is the %s file of a backup, not its %s file", path, m.Part, part)
	}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return m, fmt.Errorf("restore: %s: %w", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			return m, fmt.Errorf("restore: %s: unexpected entry %q", path, h.Name)
		}
		rel, ok := place(h.Name)
		if !ok {
			return m, fmt.Errorf("restore: %s: unexpected entry %q", path, h.Name)
		}
		if err := writeRestored(filepath.Join(dir, rel), tr); err != nil {
			return m, err
		}
	}
}

func writeRestored(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("restore: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return f.Close()
}

// newDataDir makes dir (0700), or accepts an existing empty one.
func newDataDir(dir string) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("restore: %w", err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("restore: --data: %w", err)
	case len(entries) > 0:
		return false, fmt.Errorf("restore: --data %s is not empty: restore into a new data directory", dir)
	}
	return false, os.Chmod(dir, 0o700)
}

func emptyDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
