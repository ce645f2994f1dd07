"""FAQ pages in the shapes found on the web, written for the tests (no text is copied from any site).

`wordpress_page` wraps a numbered FAQ in everything a blog theme puts around
it; CHROME lists that surrounding text, none of which may become a claim.
"""

import json

QUESTIONS = [
    (
        "Who can borrow tools from the Riverton tool library?",
        ["Any adult living in Riverton County can borrow tools. Borrowers must show a utility bill."],
    ),
    (
        "How long can a tool be kept?",
        ["Most tools can be kept for seven days. Some tools have shorter loans:"],
        ["Power saws: three days.", "Ladders: two days."],
    ),
    (
        "Are there late fees?",
        ["Late fees are one dollar per day. Fees are waived for borrowers over seventy."],
    ),
]

CHROME = [
    "Skip to content",
    "Riverton Neighbours Answer Desk",
    "Home",
    "About Us",
    "Contact",
    "Privacy Policy",
    "Posted on",
    "Related posts",
    "Seed Swaps in Lakeside FAQ",
    "Bike Repair Cafes in Hillview FAQ",
    "Leave a Comment",
    "Your email address will not be published",
    "Name",
    "Email",
    "Website",
    "Post Comment",
    "Recent Posts",
    "Parking Permits in Oldtown FAQ",
    "Copyright",
    "All rights reserved",
    "Categories",
]

TITLE = "Tool Library Rules in Riverton FAQ"
SITE = "Riverton Neighbours Answer Desk"


def faq_html(questions=QUESTIONS) -> str:
    """The FAQ itself as a blog editor writes it: numbered question paragraphs, answers, lists."""
    parts = []
    for number, (question, paragraphs, *items) in enumerate(questions, start=1):
        parts.append(f"<p>{number}. {question}</p>")
        parts.extend(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        if items:
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in items[0]) + "</ul>")
    return "\n".join(parts)


def wordpress_page(content: str = "", *, title: str = TITLE, head: str = "", category_links=True) -> str:
    """A blog post page: header, menu, breadcrumbs, the post, related posts, comments, sidebar, footer."""
    content = content or faq_html()
    categories = (
        '<footer class="entry-footer"><span class="cat-links">Categories '
        '<a href="/category/tools/" rel="category tag">Tool Libraries</a></span></footer>'
        if category_links
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} - {SITE}</title>
<meta property="og:site_name" content="{SITE}">
{head}
</head><body class="post-template-default single single-post">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header"><div class="site-branding">
<p class="site-title"><a href="/" rel="home">{SITE}</a></p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">
<li><a href="/">Home</a></li><li><a href="/about/">About Us</a></li><li><a href="/contact/">Contact</a></li>
<li><a href="/privacy/">Privacy Policy</a></li></ul></nav></header>
<nav class="breadcrumbs" aria-label="Breadcrumbs"><a href="/">Home</a> &raquo;
<a href="/category/tools/">Tool Libraries</a> &raquo; <span>{title}</span></nav>
<div id="content" class="site-content"><main id="main" class="site-main">
<article id="post-7" class="post-7 post type-post status-publish hentry category-tools">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <time datetime="2024-05-02">May 2, 2024</time></span>
by <span class="author vcard">Desk Editor</span></div></header>
<div class="entry-content">
{content}
</div>
{categories}
</article>
<div class="related-posts"><h3>Related posts:</h3><ul>
<li><a href="/seed-swaps/">Seed Swaps in Lakeside FAQ</a></li>
<li><a href="/bike-repair/">Bike Repair Cafes in Hillview FAQ</a></li></ul></div>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Comment</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published.</p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment"></textarea></p>
<p class="comment-form-author"><label for="author">Name</label><input id="author" name="author"></p>
<p class="comment-form-email"><label for="email">Email</label><input id="email" name="email"></p>
<p class="comment-form-url"><label for="url">Website</label><input id="url" name="url"></p>
<p class="form-submit"><input type="submit" value="Post Comment"></p></form></div></div>
</main>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
<h2 class="widget-title">Recent Posts</h2><ul><li><a href="/parking/">Parking Permits in Oldtown FAQ</a></li>
<li><a href="/compost/">Compost Pickup in Brookfield FAQ</a></li></ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><div class="site-info">
Copyright &copy; 2024 {SITE}. All rights reserved.</div></footer>
</body></html>
"""


JSON_LD_PAIRS = [
    ("Can a tenant paint the walls?", "<p>Tenants may paint with written consent. The landlord can ask for the original colour back.</p>"),
    ("Who pays for repairs", "<p>The landlord pays for repairs to heating.</p><ul><li>Boilers</li><li>Radiators</li></ul>"),
    ("Is a deposit refundable?", "A deposit is refundable within thirty days &amp; with interest."),
]


def json_ld_page(pairs=JSON_LD_PAIRS, *, title="Renting in Maple Falls: Questions") -> str:
    """A page whose FAQ is in FAQPage JSON-LD, with a differently worded accordion on screen."""
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": SITE},
            {
                "@type": "FAQPage",
                "mainEntity": [
                    {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
                    for q, a in pairs
                ],
            },
        ],
    }
    accordion = "".join(f"<details><summary>{q}</summary><div>{a}</div></details>" for q, a in pairs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | {SITE}</title>
<script type="application/ld+json">{json.dumps(data)}</script>
<meta property="article:section" content="Housing">
</head><body><nav><a href="/">Home</a> <a href="/news/">News</a></nav>
<main><h1>{title}</h1><p>Tap a question to open it.</p>{accordion}</main>
<footer>Sign up for our newsletter. Copyright 2024.</footer></body></html>"""


MICRODATA_PAIRS = [
    ("Do parks close at night?", "Parks close at ten in the evening. Gates reopen at six."),
    ("Are dogs allowed?", "Dogs are allowed on a leash. Dog owners must clean up after them."),
]


def microdata_page(pairs=MICRODATA_PAIRS) -> str:
    items = "".join(
        f"""<div itemscope itemprop="mainEntity" itemtype="https://schema.org/Question">
<h3 itemprop="name">{q}</h3>
<div itemscope itemprop="acceptedAnswer" itemtype="https://schema.org/Answer"><div itemprop="text"><p>{a}</p></div></div>
</div>"""
        for q, a in pairs
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Park Hours - {SITE}</title>
<meta property="og:title" content="Park Hours in Cedar Grove"></head>
<body><header><nav><a href="/">Home</a></nav></header>
<div itemscope itemtype="https://schema.org/FAQPage">{items}</div>
<footer>Contact the parks office.</footer></body></html>"""


def legacy_page(*, meta: bool) -> str:
    """A page with characters that differ between windows-1252 and Latin-1 (’ “ ” €)."""
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">' if meta else ""
    return f"""<html><head>{head}<title>Caf\u00e9 Permits FAQ</title></head><body><article>
<h1>Caf\u00e9 Permits FAQ</h1>
<p>1. What does a caf\u00e9 permit cost?</p>
<p>A permit costs \u20ac40 a year. It\u2019s renewed each spring.</p>
<p>2. Who issues it?</p>
<p>The town\u2019s \u201clicensing desk\u201d issues permits. Applications take two weeks.</p>
</article></body></html>"""
