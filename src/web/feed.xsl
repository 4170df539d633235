<?xml version="1.0" encoding="utf-8"?>
<!-- Shows an Atom feed of normreg as a Chinese page to a person who opens it in a browser;
     feed readers ignore it. XSLT 1.0, which browsers run themselves. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
    exclude-result-prefixes="atom opensearch">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/>（订阅源）</title>
        <style>
          body{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;line-height:1.7;color:#1b1b1b;background:#fafafa}
          header{background:#9e1b1b;color:#fff;padding:12px 16px}header a{color:#fff;text-decoration:none;font-weight:600}
          main{max-width:960px;margin:0 auto;padding:16px}a{color:#0b57a4}
          .about{background:#fff8e1;border:1px solid #f5a623;border-radius:6px;padding:12px}
          code{word-break:break-all;background:#fff;padding:2px 4px;border:1px solid #ddd}
          ol{list-style:none;padding:0}li{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:0 0 12px}
          li h2{font-size:1.1rem;margin:0 0 4px}.meta{color:#555;font-size:.9rem}
          nav{display:flex;gap:16px;margin:16px 0}
        </style>
      </head>
      <body>
        <header><a href="{atom:link[@rel='alternate']/@href}">行政规范性文件库</a></header>
        <main>
          <h1><xsl:value-of select="atom:title"/></h1>
          <p class="about">这是一个订阅源（Atom 格式）。把本页地址复制到 RSS/Atom 阅读器中，即可在文件公布、废止或失效时收到更新：<br/>
            <code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
          <p>共 <xsl:value-of select="opensearch:totalResults"/> 件文件。
            <a href="{atom:link[@rel='alternate']/@href}">在网页中查看这些文件</a></p>
          <ol>
            <xsl:for-each select="atom:entry">
              <li>
                <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
                <p class="meta"><xsl:value-of select="atom:author/atom:name"/> · <xsl:value-of select="atom:summary"/> · 更新于 <xsl:value-of select="substring(atom:updated, 1, 10)"/></p>
              </li>
            </xsl:for-each>
          </ol>
          <xsl:if test="not(atom:entry)"><p>没有符合条件的文件。</p></xsl:if>
          <nav aria-label="分页">
            <xsl:if test="atom:link[@rel='previous']"><a href="{atom:link[@rel='previous']/@href}" rel="prev">上一页</a></xsl:if>
            <xsl:if test="atom:link[@rel='next']"><a href="{atom:link[@rel='next']/@href}" rel="next">下一页</a></xsl:if>
          </nav>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
