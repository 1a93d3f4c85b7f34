-- wrk script: cycle through resident queries so /api/search does real work, not one cached answer.
local queries = {
  "they+take+our+jobs", "immigrants+steal+jobs", "benefits+priority", "social+housing",
  "they+dont+pay+taxes", "crime+rising", "eating+pets", "haitians+cats", "free+cars",
  "disease+tb", "school+places", "send+money+home", "invasion", "boats+illegal",
  "nos+quitan+el+trabajo", "ayudas+sociales", "pisos+sociales", "no+pagan+impuestos",
  "ens+prenen+la+feina", "ajudes+socials", "delinquencia", "ils+prennent+nos+emplois",
  "aides+sociales", "%D9%8A%D8%B3%D8%B1%D9%82%D9%88%D9%86+%D9%88%D8%B8%D8%A7%D8%A6%D9%81%D9%86%D8%A7", "ayisyen+manje+chat", "imigran+pran+travay",
  "refugees+terrorists", "wages+lower", "health+system+abuse", "traffic+crashes",
  "government+brought+them", "not+real+refugees", "uncivil+dirty", "shops+opening+hours",
}
local langs = {"en", "es", "ca", "fr", "ar", "ht"}
-- Each wrk thread picks at random among the 8,160 URLs (34 queries x 6 languages x 40 pages),
-- four times what the response cache holds, so most requests run a real search.
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("seed", threads * 7919)
end
init = function() math.randomseed(seed or os.time()) end
request = function()
  local counter = math.random(0, #queries * #langs * 40 - 1)
  local q = queries[(counter % #queries) + 1]
  local lang = langs[(math.floor(counter / #queries) % #langs) + 1]
  local page = math.floor(counter / (#queries * #langs)) % 40 + 1
  return wrk.format("GET", "/api/search?q=" .. q .. "&lang=" .. lang .. "&limit=10&page=" .. page)
end
