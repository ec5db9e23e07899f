#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds from the crate's fixtures and data.
# The corpus is not committed; run this once on a fresh checkout (it only
# adds files, so it is safe to run again).
set -euo pipefail
cd "$(dirname "$0")"
root=..
fx=$root/tests/fixtures
mkdir -p corpus/{extract,csv,jsonl,json_array}

seed() { # target file-name < bytes
    cat > "corpus/$1/seed-$2"
}

for t in csv jsonl json_array; do
    for f in "$fx"/clinic.csv "$fx"/clinic.jsonl "$fx"/formats/*; do
        [ -f "$f" ] && seed "$t" "$(basename "$f")" < "$f"
    done
    for f in "$root"/data/health_posts.csv "$root"/data/health_posts.jsonl; do
        [ -f "$f" ] || continue
        head -n 50 "$f" | seed "$t" "$(basename "$f").head50"
        head -n 5 "$f" | seed "$t" "$(basename "$f").head5"
    done
done
printf 'id\tcreated_at\tauthor_id\ttext\n1\t2024-06-01T09:00:00Z\ta\t#tab #TSV\n' | seed csv tsv
printf 'id;date;user;tweet\n1;2024-06-01 09:00;a;"quoted; #semi\nline"\n2;2024-06-01 10:00;b;#x\n' | seed csv semicolon
printf '\xef\xbb\xbfid,created_at,author_id,text\r\n1,2024-06-01T09:00:00Z,a,"#a ""q"" #b"\r\n1,2024-06-01T09:00:00Z,a,dup #a\r\n' | seed csv bom-crlf-dup
printf '{"id":"1","created_at":"2024-06-01T09:00:00Z","author_id":"a","text":"#a"}\n[{"id":"2","created_at":"2024-06-01T09:00:00Z","text":"#b"},{"id":"3","created_at":"2024-06-01T09:00:00Z","text":"#c"}]\n' | seed jsonl line-array
printf '[{"id":"1","created_at":"2024-06-01T09:00:00Z","text":"#a"},{"id":"2","created_at":"2024-06-01T09:00:00Z","text":"#b"}]' | seed json_array one-line
printf '{\n "id": "1",\n "created_at": "2024-06-01T09:00:00Z",\n "text": "#a"\n}\n{\n "id": "2", "created_at": "2024-06-02T09:00:00Z", "text": "#b"\n}\n' | seed json_array objects

# extract: single lines of text.
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" | seed extract "line$n"
done < <(cat "$fx"/clinic.csv; head -n 50 "$root"/data/health_posts.csv 2>/dev/null || true)
i=0
for s in \
    'Join #BCSM tonight! Notes at cancer.org/#BCSM, #COVID-19 #1' \
    '＃BCSM ＃ｈａｓｈｔａｇ１２３ ＃ΚΑΡΚΙΝΟΣ #Здоровье #健康 #café #café' \
    $'&amp;#MedEd ✌\uFE0F#a x\u200D#tag #tag#tag #a##b #\uFE0F\u20E3BCSM #COVID19\uFE0F\u20E3' \
    'http://twitter.com/#hashtag twitter.com/#hashtag https://t.co/abc#BCSM (#BCSM) #cancer.org #中x.com/#bar' \
    '#İstanbul #ﬁ #ẞ #Ⅻ #ǅ #ΣΑΣ' \
    'RT @x: … #StayHom…' \
    $'#a_b #_ #123abc #ab\u200C #ab\u200Dcd #\u0640x'; do
    i=$((i + 1))
    printf '%s' "$s" | seed extract "text$i"
done
for d in corpus/*; do echo "$d: $(ls "$d" | wc -l) files"; done
