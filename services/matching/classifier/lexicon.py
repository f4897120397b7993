"""Word lists for Dutch text handling: stopwords and the base lexicon for compound splitting.

The base lexicon holds everyday words of livability work, so that a compound such as
`parkeeroverlast` or `jongerenwerk` can be split into parts the model has seen on their own.
The taxonomy's keywords and the training vocabulary are added to it when a model is built.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    aan af al alle alles als alsof altijd andere ben bij dan dat de der deze die dit doch doen
    door dus een eens en er ge geen geweest had heb hebben heeft hem het hier hij hoe hun iemand
    iets ik in is ja je jij jou jouw jullie kan kon kunnen maar me meer men met mij mijn moet
    na naar niet niets nog nu of om omdat onder ons onze ook op over reeds te tegen toch toen
    tot u uit uw van veel voor want waren was wat we wel werd wie wij wil worden wordt zal ze
    zelf zich zij zijn zo zonder zou zouden hoe waar wanneer waarom welke welk hier daar daarom
    dus eigenlijk gewoon heel echt erg best beetje even weer steeds vaak soms nooit mogen moeten
    willen zullen kunnen graag hebt bent zit zitten gaat gaan ging komt komen kwam zien zie ziet
    doet deed gedaan gaan veel weinig meer minder elke elk ieder iedere onze ons jullie hen hun
    haar hare zn m'n mn z'n d'r dr wat welke hierbij hiervoor daarbij daarvoor daarmee hiermee
    eraan erop erin ervan erover waarbij waarin waarvan waarop tussen tijdens na voordat nadat
    terwijl sinds zoals via per binnen buiten boven beneden langs rond rondom achter naast
    """.split()
)

# Everyday words of the domain, surface forms. Short words (3 letters) are only accepted as
# compound parts when listed here, because a general 3-letter part splits too eagerly.
BASE_WORDS = tuple(
    """
    afval afvalbak afvalbakken arm armoede arts auto autos baan banen bak bank bankje bedrijf
    beleid beperking bereik bestaan bewoner bewoners bibliotheek bieb bijstand blok boom bomen
    bouw brand brug buren burger bus buurt buurthuis centrum cultuur dak dakloos dealer drank
    drug drugs druk eenzaam energie fiets fietsen gas geld gemeente gevel geluid gezin gezond
    gezondheid glas gras groen groep grond hal hang handel hard hek hond honden hoek horeca huis
    huizen hulp huur huurder inbraak inkomen jeugd jong jongeren jongere kamer kans kansen kind
    kinderen klimaat koop kracht kunst last leefbaar leven lening les licht lucht markt melding
    mens mensen milieu moeder moes nacht natuur nood onderhoud onderwijs ontmoeting opvang oud
    ouder ouderen ouders overlast paal pad park parkeer parkeren parkeerplaats pand plaats plan
    plant plein plek poep politie prijs project raad rat ratten recht regen rijden rij rommel
    ruimte ruzie school scholen schuld schulden sociaal speel spelen speeltuin sport stad stank
    start steun stoep straat straten stroom taal team tegel terras thuis toezicht tuin vader
    veilig veiligheid verkeer vervoer vocht voedsel vrij vrijwilliger vrijwilligers vuil vuilnis
    vuur water weg welzijn werk werken wijk winkel winkels woning woningen wonen zak zakken zon
    zorg zwerf zwerfvuil agent bord sloot vijver paneel panelen pomp warmte hitte koud kou
    armoedeval toeslag toeslagen uitkering baan werkloos werkloosheid opleiding stage taalles
    wijkteam mantelzorg mantelzorger dementie verslaving psychisch gezinnen vluchteling
    statushouder nieuwkomer discriminatie inclusie integratie toegankelijk rolstoel beperkingen
    initiatief budget inspraak participatie samenwerking bewonersavond avond activiteit
    activiteiten feest koffie ochtend contact buurvrouw buurman vertrouwen samen cohesie
    ondermijning criminaliteit geweld intimidatie diefstal camera cameras handhaving boa boas
    hangplek hangjongeren lawaai herrie muziek feesten vuurwerk meeuwen duiven ongedierte
    werker werkers zonne rekening probleem problemen plekken bakken corporatie verhuurder plaatsen
    snelheid drempel zebrapad oversteek kruispunt bushalte station trein tram metro
    """.split()
)

# Common Dutch words that are never useful as compound parts (they split real words apart).
NOT_COMPOUND_PARTS = frozenset(
    """
    over door voor naar onder tegen tussen achter boven ander andere veel heel erg niet
    maar even eens ver aan bij uit mee toe
    """.split()
)
