// Command seed fills a running nrm with fictitious cases through the API's
// bulk import, for benchmarks: names are drawn from small lists, so many
// people share a name, as in real data.
//
//	go run ./bench/seed -url http://127.0.0.1:8080 -token nrm_... -cases 100000
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"time"
)

var given = []string{"Ana", "Maria", "Elena", "Olena", "Ion", "Vasile", "Mihai", "Andrei", "Natalia", "Irina", "Sergei",
	"Oksana", "Daria", "Fatima", "Amina", "Grace", "Joy", "Blessing", "Esther", "Mercy", "Nguyen", "Linh", "Mai", "Tuan",
	"Ali", "Omar", "Hassan", "Yusuf", "Arben", "Besa", "Drita", "Luan", "Giorgi", "Nino", "Tamar", "Levan", "Aram", "Ani",
	"Gohar", "Aigerim", "Dana", "Yerlan", "Ayse", "Emre", "Zeynep", "Mehmet", "Chiara", "Luca", "Sofia", "Marta"}

var family = []string{"Popescu", "Ionescu", "Rusu", "Ceban", "Lungu", "Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko",
	"Kravchenko", "Ivanova", "Petrova", "Smirnova", "Okafor", "Adeyemi", "Eze", "Nwosu", "Tran", "Pham", "Le", "Hoxha",
	"Krasniqi", "Gashi", "Berisha", "Beridze", "Kapanadze", "Gelashvili", "Sargsyan", "Hakobyan", "Grigoryan", "Nurlanova",
	"Abenov", "Yilmaz", "Kaya", "Demir", "Sahin", "Rossi", "Russo", "Ferrari", "Novak", "Horvat", "Kowalski", "Nowak",
	"Mensah", "Boateng", "Diallo", "Traore", "Haddad", "Khalil", "Nasser"}

var types = []string{"forced-labour", "sexual-exploitation", "domestic-servitude", "forced-criminality", "forced-begging"}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "nrm address")
	token := flag.String("token", "", "bearer token of a user who may create cases")
	n := flag.Int("cases", 100000, "how many cases")
	batch := flag.Int("batch", 2000, "cases per import request")
	flag.Parse()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	for done := 0; done < *n; {
		k := min(*batch, *n-done)
		cases := make([]map[string]any, k)
		for i := range cases {
			dob := time.Date(1960+rng.IntN(48), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			cases[i] = map[string]any{
				"person": map[string]any{"given_name": given[rng.IntN(len(given))], "family_name": family[rng.IntN(len(family))],
					"date_of_birth": dob.Format("2006-01-02"), "sex": []string{"female", "male"}[rng.IntN(2)]},
				"encounter":          map[string]any{"date": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(600)).Format("2006-01-02"), "country": "GB"},
				"exploitation_types": []string{types[rng.IntN(len(types))]},
			}
		}
		body, _ := json.Marshal(map[string]any{"cases": cases})
		req, _ := http.NewRequest("POST", *url+"/api/v1/cases/import", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+*token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "seed:", err)
			os.Exit(1)
		}
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			fmt.Fprintf(os.Stderr, "seed: %d %.300s\n", res.StatusCode, msg)
			os.Exit(1)
		}
		done += k
		if done%20_000 < k || done == *n {
			fmt.Fprintf(os.Stderr, "seeded %d/%d cases (%.0f/s)\n", done, *n, float64(done)/time.Since(start).Seconds())
		}
	}
}
