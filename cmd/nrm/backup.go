package main

import (
	"archive/tar"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/nrmproject/nrm"
	"github.com/nrmproject/nrm/keyring"
	"github.com/nrmproject/nrm/sqlstore"
)

// A backup is two files, each an age-encrypted tar archive that begins
// with a manifest: the data file (the SQLite snapshot and the data
// directory's other files) and the key bundle (everything in keys/). Key
// material never travels in the data file, so the two can be kept apart:
// whoever finds one holds nothing they can open.
const (
	backupFormat = "nrm-backup/1"
	partData     = "data"
	partKeys     = "keys"
	manifestName = "MANIFEST.json"
	snapshotName = "nrm.db"
	// snapshotPrefix names a snapshot being taken (removed when done).
	snapshotPrefix = ".backup-"
	// minPassphrase: scrypt slows guessing, it does not make a short
	// passphrase safe.
	minPassphrase = 12
)

type backupManifest struct {
	Format  string    `json:"format"`
	Part    string    `json:"part"`
	ID      string    `json:"id"` // the same in both files of one backup
	Created time.Time `json:"created"`
	Engine  string    `json:"engine"`
	// MasterKeyFile: the KEK came from NRM_MASTER_KEY_FILE, not keys/kek.
	MasterKeyFile bool `json:"master_key_file,omitempty"`
}

// secretFlags are how a backup is encrypted, or how it is opened.
type secretFlags struct {
	passphraseStdin bool
	recipient       string // backup
	identity        string // restore
}

func readPassphrase(stdin io.Reader, name string) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the passphrase: %w", err)
	}
	p := strings.TrimRight(line, "\r\n")
	if len([]rune(p)) < minPassphrase {
		return "", usagef("%s: --passphrase-stdin: the passphrase must have at least %d characters", name, minPassphrase)
	}
	return p, nil
}

func (f secretFlags) recipients(stdin io.Reader, name string) ([]age.Recipient, string, error) {
	switch {
	case f.passphraseStdin == (f.recipient != ""):
		return nil, "", usagef("%s: give either --passphrase-stdin or --age-recipient", name)
	case f.passphraseStdin:
		p, err := readPassphrase(stdin, name)
		if err != nil {
			return nil, "", err
		}
		r, err := age.NewScryptRecipient(p)
		if err != nil {
			return nil, "", err
		}
		return []age.Recipient{r}, "a passphrase", nil
	}
	rs, err := age.ParseRecipients(strings.NewReader(f.recipient))
	if err != nil || len(rs) == 0 {
		return nil, "", usagef("%s: --age-recipient: not an age recipient (age1...)", name)
	}
	return rs, "age recipient " + strings.TrimSpace(f.recipient), nil
}

func (f secretFlags) identities(stdin io.Reader, name string) ([]age.Identity, error) {
	switch {
	case f.passphraseStdin == (f.identity != ""):
		return nil, usagef("%s: give either --passphrase-stdin or --identity", name)
	case f.passphraseStdin:
		p, err := readPassphrase(stdin, name)
		if err != nil {
			return nil, err
		}
		id, err := age.NewScryptIdentity(p)
		if err != nil {
			return nil, err
		}
		return []age.Identity{id}, nil
	}
	b, err := os.Open(f.identity)
	if err != nil {
		return nil, usagef("%s: --identity: %v", name, err)
	}
	defer b.Close()
	ids, err := age.ParseIdentities(b)
	if err != nil {
		return nil, usagef("%s: --identity: not an age identity file", name)
	}
	return ids, nil
}

func cmdBackup(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var c common
	var sf secretFlags
	fs := newFlags("backup", &c)
	out := fs.String("out", "", "the data file to write")
	keysOut := fs.String("keys-out", "", "the key bundle to write (default: the data file's name + .keys)")
	fs.BoolVar(&sf.passphraseStdin, "passphrase-stdin", false, "encrypt to a passphrase read from standard input")
	fs.StringVar(&sf.recipient, "age-recipient", "", "encrypt to this age public key (age1...)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	if *keysOut == "" {
		*keysOut = *out + ".keys"
	}
	if abs(*out) == abs(*keysOut) {
		return usagef("backup: --keys-out must not be the data file")
	}
	for _, f := range []string{*out, *keysOut} {
		if within(abs(f), abs(c.data)) {
			return usagef("backup: %s is inside the data directory; write backups elsewhere", f)
		}
		if _, err := os.Lstat(f); err == nil {
			return fmt.Errorf("backup: %s exists; nrm does not overwrite a backup", f)
		}
	}
	recipients, to, err := sf.recipients(stdin, "backup")
	if err != nil {
		return err
	}
	// Back up an instance, never a fresh one made by a mistyped --data.
	master := os.Getenv("NRM_MASTER_KEY_FILE")
	kekPath := filepath.Join(c.data, "keys", keyring.KEKFile)
	if master != "" {
		kekPath = master
	}
	if _, err := os.Stat(kekPath); err != nil {
		return fmt.Errorf("backup: no nrm instance at --data %s (%v)", c.data, err)
	}
	id := nrm.NewID()
	var dataSize, keysSize int64
	var engine sqlstore.Engine
	err = withApp(ctx, c, func(a *app) error {
		engine = a.store.Engine()
		if err := a.svc.RecordBackup(systemCtx(ctx), id, string(engine)); err != nil {
			return err
		}
		m := backupManifest{Format: backupFormat, ID: id, Created: time.Now().UTC(), Engine: string(engine), MasterKeyFile: master != ""}
		tmpDB := ""
		// Under the keyring's lock: no KEK version is added or retired
		// between reading the key files and the snapshot.
		err := a.keys.Hold(func() error {
			if err := writeArchive(*keysOut, recipients, withPart(m, partKeys), func(tw *tar.Writer) error {
				return addKeyFiles(tw, a.keys)
			}); err != nil {
				return err
			}
			if engine == sqlstore.SQLite {
				// Beside the live database, in its trust domain: a crash
				// mid-backup leaves no plaintext copy on the backup storage.
				tmpDB = filepath.Join(filepath.Dir(a.store.Path()), snapshotPrefix+id+".db")
				return a.store.SnapshotTo(ctx, tmpDB)
			}
			return nil
		})
		if tmpDB != "" {
			defer os.Remove(tmpDB)
		}
		if err != nil {
			os.Remove(*keysOut)
			return err
		}
		err = writeArchive(*out, recipients, withPart(m, partData), func(tw *tar.Writer) error {
			if tmpDB != "" {
				if err := addFile(tw, tmpDB, snapshotName); err != nil {
					return err
				}
			}
			return addDataFiles(tw, c.data, a.store.Path())
		})
		if err != nil {
			os.Remove(*keysOut)
			return err
		}
		dataSize, keysSize = fileSize(*out), fileSize(*keysOut)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup %s\n", id)
	what := "the SQLite database, profiles and indicator sets"
	if engine == sqlstore.Postgres {
		what = "profiles and indicator sets; NOT the PostgreSQL database"
	}
	fmt.Fprintf(stdout, "data file  %s (%d bytes): %s; no key material\n", *out, dataSize, what)
	fmt.Fprintf(stdout, "key bundle %s (%d bytes): every key file; keep it apart from the data file\n", *keysOut, keysSize)
	fmt.Fprintf(stdout, "both encrypted to %s\n", to)
	if engine == sqlstore.Postgres {
		fmt.Fprintln(stdout, "the database itself: back it up with pg_dump at the same time, for example")
		fmt.Fprintln(stdout, "  pg_dump --format=custom --file nrm.pgdump \"$NRM_DB\"")
		fmt.Fprintln(stdout, "restore it with pg_restore into an empty database, then: nrm restore --db URL ...")
	}
	return nil
}

func withPart(m backupManifest, part string) backupManifest {
	m.Part = part
	return m
}

// writeArchive writes an encrypted tar archive to path (mode 0600) through
// a temporary file, so that a failed backup leaves nothing that looks like one.
func writeArchive(path string, recipients []age.Recipient, m backupManifest, fill func(*tar.Writer) error) (err error) {
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	enc, err := age.Encrypt(bw, recipients...)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tw := tar.NewWriter(enc)
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := addBytes(tw, manifestName, mb); err != nil {
		return err
	}
	if err := fill(tw); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return os.Rename(tmp, path)
}

func addBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err := tw.Write(b)
	return err
}

func addFile(tw *tar.Writer, path, name string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	return nil
}

// addKeyFiles adds every key file of keys/ (not the lock, not temporary
// files) and the KEK, wherever NRM_MASTER_KEY_FILE keeps it.
func addKeyFiles(tw *tar.Writer, keys *keyring.Keyring) error {
	entries, err := os.ReadDir(keys.Dir())
	if err != nil {
		return fmt.Errorf("backup: keys: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || e.Name() == keyring.KEKFile {
			continue
		}
		if err := addFile(tw, filepath.Join(keys.Dir(), e.Name()), "keys/"+e.Name()); err != nil {
			return err
		}
	}
	return addFile(tw, keys.KEKPath(), "keys/"+keyring.KEKFile)
}

// addDataFiles adds the data directory's other regular files (profiles,
// indicator sets, whatever an operator keeps there), but not keys/ and not
// the live database, which the snapshot stands for.
func addDataFiles(tw *tar.Writer, dataDir, dbPath string) error {
	skip := map[string]bool{}
	if dbPath != "" {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			skip[abs(dbPath+suffix)] = true
		}
	}
	return filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dataDir, path)
		if d.IsDir() {
			if rel == "keys" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || skip[abs(path)] || rel == manifestName || rel == snapshotName ||
			strings.HasPrefix(d.Name(), snapshotPrefix) {
			return nil
		}
		return addFile(tw, path, "files/"+filepath.ToSlash(rel))
	})
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return a
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}
