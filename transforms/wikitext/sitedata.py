"""Public facts about MediaWiki and Wikimedia wikis that a dump's <siteinfo> does not carry.

- Canonical (English) namespace names, which every wiki accepts besides its localised names.
- Namespace aliases MediaWiki defines in core ("Image" for File) and in its language files for some
  languages (German "Bild", Spanish "Imagen", ...): only File, Category and User, the ones that change how
  a link is read.
- Wikipedia language codes (a `[[xx:Title]]` with such a prefix is an interlanguage link) and common
  interwiki prefixes of Wikimedia's interwiki map (`[[wikt:word]]`).
- Magic words: `{{PAGENAME}}`, `{{DEFAULTSORT:...}}` look like templates but are not.
"""
from __future__ import annotations

CANONICAL_NAMESPACES = {
    -2: "Media", -1: "Special", 1: "Talk", 2: "User", 3: "User talk", 4: "Project", 5: "Project talk",
    6: "File", 7: "File talk", 8: "MediaWiki", 9: "MediaWiki talk", 10: "Template", 11: "Template talk",
    12: "Help", 13: "Help talk", 14: "Category", 15: "Category talk", 100: "Portal", 101: "Portal talk",
    118: "Draft", 119: "Draft talk", 710: "TimedText", 711: "TimedText talk", 828: "Module", 829: "Module talk",
    2300: "Gadget", 2301: "Gadget talk", 2302: "Gadget definition", 2303: "Gadget definition talk",
}
CORE_ALIASES = {"Image": 6, "Image talk": 7}

# Aliases from MediaWiki's language files (MessagesXx.php $namespaceAliases and gender forms), by language.
LANGUAGE_ALIASES: dict[str, dict[str, int]] = {
    "de": {"Bild": 6, "Bild Diskussion": 7, "Benutzerin": 2, "Benutzerin Diskussion": 3},
    "als": {"Bild": 6, "Bild Diskussion": 7},
    "bar": {"Bild": 6},
    "nds": {"Bild": 6},
    "fr": {"Utilisatrice": 2, "Discussion utilisatrice": 3},
    "es": {"Imagen": 6, "Usuaria": 2, "Usuario Discusión": 3},
    "pt": {"Imagem": 6, "Arquivo": 6, "Ficheiro": 6, "Utilizadora": 2, "Usuária": 2},
    "it": {"Immagine": 6, "Utentessa": 2},
    "nl": {"Afbeelding": 6, "Overleg afbeelding": 7, "Gebruikster": 2},
    "pl": {"Grafika": 6, "Dyskusja grafiki": 7, "Użytkowniczka": 2},
    "ru": {"Изображение": 6, "Обсуждение изображения": 7, "Участница": 2},
    "uk": {"Зображення": 6, "Обговорення зображення": 7},
    "be": {"Выява": 6},
    "bg": {"Картинка": 6},
    "sr": {"Слика": 6, "Slika": 6, "Datoteka": 6},
    "hr": {"Slika": 6},
    "sl": {"Slika": 6},
    "cs": {"Obrázek": 6, "Uživatelka": 2},
    "sk": {"Obrázok": 6},
    "sv": {"Bild": 6, "Bilddiskussion": 7},
    "da": {"Billede": 6},
    "no": {"Bilde": 6},
    "nn": {"Bilde": 6},
    "fi": {"Kuva": 6},
    "et": {"Pilt": 6},
    "hu": {"Kép": 6},
    "ro": {"Imagine": 6},
    "ca": {"Imatge": 6},
    "eu": {"Irudi": 6},
    "gl": {"Imaxe": 6},
    "el": {"Εικόνα": 6},
    "tr": {"Resim": 6},
    "az": {"Şəkil": 6},
    "ar": {"صورة": 6, "ملف": 6},
    "arz": {"صورة": 6},
    "fa": {"تصویر": 6, "پرونده": 6},
    "he": {"תמונה": 6},
    "ur": {"تصویر": 6},
    "hi": {"चित्र": 6},
    "bn": {"চিত্র": 6},
    "ja": {"画像": 6},
    "zh": {"图像": 6, "圖像": 6, "檔案": 6, "文件": 6, "分類": 14},
    "ko": {"그림": 6},
    "vi": {"Hình": 6},
    "id": {"Gambar": 6},
    "ms": {"Imej": 6},
    "th": {"ภาพ": 6},
    "ka": {"სურათი": 6},
    "hy": {"Պատկեր": 6},
    "lv": {"Attēls": 6},
    "lt": {"Vaizdas": 6},
    "eo": {"Dosiero": 6},
    "la": {"Imago": 6},
    "cy": {"Delwedd": 6},
}

WIKIPEDIA_LANGUAGES = frozenset("""
aa ab ace ady af als alt am ami an ang anp ar arc ary arz as ast atj av avk awa ay az azb ba ban bar bat-smg
bbc bcl bdr be be-tarask be-x-old bew bg bh bi bjn blk bm bn bo bpy br bs btm bug bxr ca cbk-zam cdo ce ceb ch
cho chr chy ckb co cr crh cs csb cu cv cy da dag de dga din diq dsb dtp dty dv dz ee el eml en eo es et eu ext
fa fat ff fi fiu-vro fj fo fon fr frp frr fur fy ga gag gan gcr gd gl glk gn gom gor got gpe gsw gu guc gur guw
gv ha hak haw he hi hif ho hr hsb ht hu hy hyw hz ia iba id ie ig igl ii ik ilo inh io is it iu ja jam jbo jv
ka kaa kab kbd kbp kcg kg kge ki kj kk kl km kn knc ko koi kr krc ks ksh ku kus kv kw ky la lad lb lbe lez lfn
lg li lij lld lmo ln lo lrc lt ltg lv lzh mad mai map-bms mdf mg mh mhr mi min mk ml mn mni mnw mo mos mr mrj ms
mt mus mwl my myv mzn na nah nan nap nb nds nds-nl ne new ng nia nl nn no nov nqo nr nrm nso nup nv ny oc olo
om or os pa pag pam pap pcd pcm pdc pfl pi pih pl pms pnb pnt ps pt pwn qu rki rm rmy rn ro roa-rup roa-tara
rsk ru rue rup rw sa sah sat sc scn sco sd se sg sgs sh shi shn shy si simple sk skr sl sm smn sn so sq sr srn
ss st stq su sv sw syl szl szy ta tay tcy tdd te tet tg th ti tk tl tly tn to tpi tr trv ts tt tum tw ty tyv
udm ug uk ur uz ve vec vep vi vls vo vro wa war wo wuu xal xh xmf yi yo yue za zea zgh zh zh-classical
zh-min-nan zh-yue zu
""".split())

INTERWIKI_PREFIXES = frozenset("""
w wikipedia wikt wiktionary b wikibooks n wikinews q wikiquote s wikisource v wikiversity voy wikivoyage
c commons m meta metawiki metawikimedia mw mediawikiwiki species wikispecies d wikidata f wikifunctions
foundation wmf wikimedia wikimania phab phabricator gerrit bugzilla mediazilla wikitech outreach incubator
testwiki toolforge toollabs translatewiki oldwikisource betawikiversity sourceforge github google googlegroups
arxiv doi rfc pmid imdbname imdbtitle imdbcompany imdbcharacter iarchive openlibrary oeis wikiwikiweb usemod
irc mailarchive memoryalpha wmde wmau wmuk wmfr wmit wmnl wmpl wmru wmse wmch labsconsole tools
""".split())

# Variables and functions that use template syntax; compared in upper case, before any ':'.
MAGIC_WORDS = frozenset("""
! CURRENTYEAR CURRENTMONTH CURRENTMONTH1 CURRENTMONTH2 CURRENTMONTHNAME CURRENTMONTHNAMEGEN CURRENTMONTHABBREV
CURRENTDAY CURRENTDAY2 CURRENTDAYNAME CURRENTDOW CURRENTTIME CURRENTHOUR CURRENTWEEK CURRENTTIMESTAMP
LOCALYEAR LOCALMONTH LOCALMONTH1 LOCALMONTH2 LOCALMONTHNAME LOCALMONTHNAMEGEN LOCALMONTHABBREV LOCALDAY
LOCALDAY2 LOCALDAYNAME LOCALDOW LOCALTIME LOCALHOUR LOCALWEEK LOCALTIMESTAMP PAGENAME PAGENAMEE FULLPAGENAME
FULLPAGENAMEE BASEPAGENAME BASEPAGENAMEE SUBPAGENAME SUBPAGENAMEE ROOTPAGENAME ROOTPAGENAMEE TALKPAGENAME
TALKPAGENAMEE SUBJECTPAGENAME SUBJECTPAGENAMEE ARTICLEPAGENAME NAMESPACE NAMESPACEE NAMESPACENUMBER TALKSPACE
SUBJECTSPACE ARTICLESPACE SITENAME SERVER SERVERNAME SCRIPTPATH STYLEPATH REVISIONID REVISIONDAY REVISIONDAY2
REVISIONMONTH REVISIONMONTH1 REVISIONYEAR REVISIONTIMESTAMP REVISIONUSER REVISIONSIZE PAGEID NUMBEROFARTICLES
NUMBEROFPAGES NUMBEROFUSERS NUMBEROFACTIVEUSERS NUMBEROFFILES NUMBEROFEDITS NUMBEROFADMINS CONTENTLANGUAGE
CONTENTLANG DIRMARK DIRECTIONMARK PAGELANGUAGE CASCADINGSOURCES DEFAULTSORT DEFAULTSORTKEY DEFAULTCATEGORYSORT
DISPLAYTITLE LC UC LCFIRST UCFIRST FORMATNUM URLENCODE ANCHORENCODE FULLURL FULLURLE LOCALURL LOCALURLE
CANONICALURL CANONICALURLE FILEPATH NS NSE INT PADLEFT PADRIGHT PLURAL GRAMMAR GENDER BIDI LANGUAGE SPECIAL
SPECIALE MSG MSGNW RAW PAGESINCATEGORY PAGESINCAT PAGESIZE PROTECTIONLEVEL PROTECTIONEXPIRY NUMBERINGROUP
NUMINGROUP FORMATDATE DATEFORMAT NOEXTERNALLANGLINKS PAGESINNAMESPACE PAGESINNS SHORTDESC
""".split())


def wiki_language(wiki_db: str | None) -> str | None:
    """The content language of a Wikimedia wiki from its database name: dewiki -> de, zh_min_nanwiki ->
    zh-min-nan, frwiktionary -> fr. None for wikis without a language (commonswiki, wikidatawiki)."""
    if not wiki_db:
        return None
    for family in ("wiktionary", "wikibooks", "wikinews", "wikiquote", "wikisource", "wikiversity",
                   "wikivoyage", "wiki"):
        if wiki_db.endswith(family):
            code = wiki_db[: -len(family)].replace("_", "-")
            return code if code in WIKIPEDIA_LANGUAGES else None
    return None
