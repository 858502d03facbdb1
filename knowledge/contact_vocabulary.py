"""The words of contact questions in English, Spanish, French and Portuguese.

Patterns apply to normalised text (accents stripped, lower case, punctuation as spaces; see
`knowledge.countries.normalise`). `CONCEPTS` links a question's roles and topics to the
directory's `role`, `topics` and `unit` columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    label: str
    question: re.Pattern  # on normalised question text
    field: re.Pattern  # on normalised role / topics / unit


def _c(label: str, question: str, field_: str) -> Concept:
    return Concept(label, re.compile(question), re.compile(field_))


CONCEPTS = (
    _c("joint investigations",
       r"\bjits?\b|\bjoint investigation|\bequipos? conjuntos? de investigacion|\becis?\b"
       r"|\binvestigacion(es)? conjunta|\bequipes? communes? d enquete|\beces?\b"
       r"|\benquetes? communes?|\bequipas? (de investigacao )?conjunta|\binvestigac(ao|oes) conjunta",
       r"joint investigation"),
    _c("mutual legal assistance",
       r"\bmla\b|\bmutual (legal )?assistance|\blegal assistance|\bjudicial assistance"
       r"|\bletters? rogatory|\basistencia (judicial|juridica|legal)|\bentraide"
       r"|\bauxilio judiciario|\bcooperac(ao|ion) (judicial|judiciaria|juridica)|\bexhortos?\b",
       r"mutual legal assistance|central authority"),
    _c("central authority",
       r"\bcentral authorit|\bautoridad(es)? central|\bautorites? centrales?|\bautoridades? centra",
       r"central authority"),
    _c("trafficking in persons",
       r"traffick|\btrata\b|\btraite\b|\btrafico de (personas|pessoas|seres humanos)|\bthb\b",
       r"trafficking"),
    _c("smuggling of migrants",
       r"smuggl|\btrafico (ilicito )?de (migrantes|personas)|\btrafic (illicite )?de migrants"
       r"|\bcontrabando de migrantes|\bpasseurs?\b",
       r"smuggling"),
    _c("modern slavery",
       r"\bslavery\b|\besclavitud|\besclavage|\bescravidao|\btrabalho escravo|\bservitude",
       r"slavery"),
    _c("labour exploitation",
       r"\blabou?r exploitation|\bforced labou?r|\bexplotacion laboral|\btravail force"
       r"|\btrabalho forcado",
       r"labour exploitation|slavery"),
    _c("police cooperation",
       r"\bpolice\b|\bpolicia|\binterpol\b|\beuropol\b|\blaw enforcement|\bliaison officer"
       r"|\bofficiers? de liaison|\boficial(es)? de (enlace|ligacao)",
       r"police|liaison"),
    _c("prosecutors",
       r"\bprosecut|\bfiscal(es|ia)?\b|\bprocureurs?\b|\bparquet\b|\bprocurador|\bpromotor"
       r"|\bministerio publico|\bministere public",
       r"prosecut"),
    _c("experts", r"\bexperts?\b|\bexpert[oae]s?\b|\bperit[oa]s?\b", r"expert"),
    _c("extradition", r"\bextradit|\bextradicion|\bextradicao", r"extradition"),
    _c("asset recovery",
       r"\basset recovery|\bconfiscation|\bfreezing|\brecuperacion de activos|\bdecomiso",
       r"asset recovery"),
    _c("financial investigations",
       r"\bfinancial investigation|\bmoney laundering|\bblanqueo|\bblanchiment|\blavagem",
       r"financial"),
    _c("cybercrime", r"\bcyber|\bonline\b|\binternet\b|\bciber", r"cyber|online"),
    _c("child exploitation", r"\bchild|\bminors?\b|\bmenores\b|\benfants?\b|\bcriancas\b",
       r"child"),
    _c("victim protection", r"\bvictim|\bvictima|\bvitima", r"victim"),
    _c("organized crime",
       r"\borgani[sz]ed crime|\bcrimen organizado|\bcriminalite organisee|\bcrime organizado"
       r"|\bmafia",
       r"organi[sz]ed crime"),
)

# Asking for somebody by name: contact words in the four languages.
EXPLICIT = re.compile(
    r"\bcontacts?\b|\bfocal points?\b|\bcall\b|\bphone\b|\btelephone\b|\be ?mail\b"
    r"|\bget in touch\b|\btalk to\b|\bspeak (to|with)\b|\bwho do i\b|\bwhom\b"
    r"|\bcontact(o|ar|er|ato|atar)\b|\bcontato\b|\bllamar\b|\btelefono\b|\bcorreo\b"
    r"|\bpunto focal\b|\bhablar con\b|\bappeler\b|\bjoindre\b|\bcourriel\b|\bpoint focal\b"
    r"|\bligar\b|\bponto focal\b|\bfalar com\b"
)
# Asking for a person as people write it ("I need someone in Zambia", "anyone I can call in
# Malawi", "put me in touch", "necesito hablar con un fiscal", "je cherche l'autorité
# centrale", "preciso de um contacto"): a request, never a legal question by itself.
PERSON_REQUEST = re.compile(
    r"\b((i|we) (need|want|am looking for|m looking for) (to (talk|speak) (to|with) )?"
    r"(someone|somebody|anyone|a contact|a prosecutor|an expert|a person|an officer)"
    r"|someone|somebody|anyone|anybody|reach out|in touch|point me to|counterparts?"
    r"|who can help|details of|details for|need (a|an) (\w+ )?(contact|prosecutor|expert|person|officer)"
    r"|(can|could|should|do) (i|we) (talk|speak|call|contact|reach|write|turn)( to| with)?"
    r"|alguien|con quien|a quien|busco|necesito (hablar|un|una|contacto|a)"
    r"|quelqu un|interlocuteur|je cherche|qui contacter|a qui|besoin d (un|une)"
    r"|alguem|com quem|a quem|preciso (de|falar)|procuro)\b"
)
# "How many prosecutors work in ...": a question about figures, not a request for a person.
NOT_A_REQUEST = re.compile(r"^(how (many|much)|cuant[oa]s|combien|quant[oa]s)\b")
# Asking for a contact point outright, even without naming a country.
REQUEST = re.compile(
    r"\bcontact (points?|persons?|details)\b|\bfocal points?\b|\bcall\b|\bphone\b|\be ?mail\b"
    r"|\bwho do i\b|\bwhom\b|\bpunto (focal|de contacto)\b|\bpoint (focal|de contact)\b"
    r"|\bponto (focal|de conta(c)?to)\b"
)
# "contacts with their counterparts": contacts talked about, not asked for.
CONTACTS_WITH = re.compile(r"\bcontacts? (with|between|among)\b")
# A question answered by yes or no ("can you give me", "is there a" are requests).
YES_NO = re.compile(r"^(do|does|did|is|are|was|were|has|have|had|can|could|should|would|will"
                    r"|may|might|must)\b(?! you\b| there (a|an|any|someone|somebody|anyone)\b)")
# A role held by a person or office in the directory.
ROLE = re.compile(
    r"\bprosecutors?\b|\bexperts?\b|\bcentral authorit(y|ies)\b|\bliaison\b|\bofficers?\b"
    r"|\bcounterparts?\b|\brepresentatives?\b|\bfiscal(es)?\b|\bexpert[oae]s?\b"
    r"|\bautoridad(es)? central(es)?\b|\benlace\b|\bprocureurs?\b|\bautorites? centrales?\b"
    r"|\bprocurador(es|a)?\b|\bpromotor(es|a)?\b|\bperit[oa]s?\b|\bautoridades? centra(l|is)\b"
    r"|\bspecialists?\b|\bespecialistas?\b|\bnational member\b|\bofficials?\b"
)
WHO = re.compile(
    r"\bwho(m)?\s+(is|are|s|do|does|should|shall|can|could|would|to|handles?|deals?|covers?"
    r"|speaks?|works?)\b|\bquien(es)?\s+(es|son|me|puedo|debo|llamo|contacto|habla|se ocupa)\b"
    r"|\bqui (est|sont|contacter|appeler|dois|peut|parle|s occupe)\b"
    r"|\bquem\s+(e|sao|devo|posso|contato|contacto|ligo|fala|cuida|trata)\b"
)
# The question also asks about the law (then passages are quoted as well).
LEGAL = re.compile(
    r"\blegal\b|\blaws?\b|\blegislation\b|\bconvention\b|\bprotocol\b|\barticles?\b"
    r"|\btreat(y|ies)\b|\bagreements?\b|\bdirective\b|\bframework\b|\bprocedures?\b"
    r"|\brequirements?\b|\brequire[sd]?\b|\ballow(ed|s)?\b|\bpermit(ted)?\b|\badmissib"
    r"|\bevidence\b|\bcosts?\b|\bfund(s|ing)?\b|\bliab(le|ility)\b|\bresponsible\b"
    r"|\bappl(y|ies|icable)\b|\bset(ting)? up\b|\bestablish|\bwhy\b|\bexplain\b"
    r"|\bdifference\b|\bsteps\b|\bparticipat|\btake part\b|\bjoin\b|\bpowers?\b|\bmandate\b"
    r"|\bduties\b|\brules?\b|\bmust\b|\b(can|may) (we|i|a|an|the|they)\b"
    r"|\bwhat\b(?! (\w+ ){0,3}?(e ?mail|phone|telephone|number|contacts?|name|details)\b)"
    r"|\brole\b|\bneed(ed|s)?\b|\bnecessary\b|\bmandatory\b|\bpossible\b|\bis it\b"
    r"|\bdo (i|we) have to\b|\bfunctions?\b|\bfunc(iones|oes)\b|\bfonctions?\b"
    r"|\bdirectiva\b|\bdiretiva\b|\breglamento\b|\bregulamento\b|\breglement\b"
    r"|\bprevist[oa]s?\b|\bprevue?s?\b|\bprovided for\b"
    r"|\bhow (do|does|can|should|to)\b(?! (i |we )?(contact|reach|call|get in touch|find)\b)"
    r"|\bbase (juridica|legal)|\bley(es)?\b|\bloi\b|\blei\b|\bconvencion|\bconvencao"
    r"|\bacuerdo|\baccord\b|\bacordo|\bque es\b|\bqu est ce\b|\bo que e\b|\bpourquoi\b|\bpor que\b"
)
LANGUAGE_TRIGGER = re.compile(
    r"^(speaks?|speaking|spoken|fluent|languages?|habla[nr]?|hable|parle(nt)?|parlant"
    r"|fala[mr]?|fale|falante)$"
)
CONNECTORS = {"and", "or", "y", "o", "e", "et", "ou", "both", "also", "in", "en", "em",
               "le", "el", "la", "os", "as", "les", "fluently", "well"}
LANGUAGE_ADJECTIVES = {"lusophone": "pt", "francophone": "fr", "anglophone": "en",
                    "hispanophone": "es"}
PLACE_AFTER = re.compile(
    r"\b(?:in|for|from|en|em|na|no|au|aux|del)\s+(?:the\s+|la\s+|le\s+|el\s+)?"
    r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)"
)
#: Capitalised words after "in" that are not places (acronyms, regions, channels).
NOT_PLACES = {"jit", "jits", "mla", "eu", "europe", "africa", "asia", "america", "americas",
               "latin", "siena", "europol", "eurojust", "interpol", "english", "i", "a",
               # "in the Directive", "na Diretiva": a document, not a place
               "directive", "directiva", "diretiva", "convention", "convencion", "convencao",
               "regulation", "reglamento", "regulamento", "reglement", "protocol", "protocolo",
               "protocole", "treaty", "tratado", "traite", "act", "law", "ley", "lei", "loi",
               "code", "codigo", "decree", "decreto", "decret", "guide", "guia", "manual",
               "handbook", "report", "informe", "relatorio", "rapport"}
